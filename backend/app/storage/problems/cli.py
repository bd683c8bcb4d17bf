"""`flask problems ...`: operator commands of the problem store."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from backend.app.storage.problems.setup import get_problem_store

problems_cli = AppGroup("problems", help="Commands of the generated-problem store.")


@problems_cli.command("create-table")
def create_table() -> None:
    """Create the problems table of PROBLEM_STORE (DynamoDB table, or SQL schema)."""
    settings = current_app.config["SETTINGS"]
    if settings.PROBLEM_STORE == "dynamodb":
        name = f"DynamoDB table {settings.PROBLEMS_TABLE_NAME}"
    else:
        name = "SQL table problems"
    created = get_problem_store().repository.create_table()
    click.echo(f"created {name}" if created else f"{name} already exists")
