"""The problem generation stream (DESIGN 4.3)."""
