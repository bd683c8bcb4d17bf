"""Relational storage: engine, ORM models and migrations."""
