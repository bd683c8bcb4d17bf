"""Coding-problem generation (seed 000): pipeline, model and the description parser."""
