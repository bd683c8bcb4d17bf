"""Shared pieces of the JSON API: envelope helpers, schemas, validation hooks."""
