"""`flask` commands for operators."""

from __future__ import annotations

import click
from alembic.runtime.migration import MigrationContext
from flask import Flask, current_app
from flask.cli import AppGroup

from backend.app.services.container import services

problems_cli = AppGroup("problems", help="Commands of the generated-problem store.")


def register_commands(app: Flask) -> None:
    """Attach the project's CLI commands to `flask --app wsgi:app ...`."""
    app.cli.add_command(migrate)
    app.cli.add_command(problems_cli)


@click.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date and print its revision."""
    # create_app() has already upgraded the schema under its lock; report where it stands.
    with services().database.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    click.echo(f"database schema at revision {revision}")


@problems_cli.command("create-table")
def create_table() -> None:
    """Create the problems table of PROBLEM_STORE (DynamoDB table, or SQL schema)."""
    settings = current_app.config["SETTINGS"]
    if settings.PROBLEM_STORE == "dynamodb":
        name = f"DynamoDB table {settings.PROBLEMS_TABLE_NAME}"
    else:
        name = "SQL table problems"
    created = services().problems.repository.create_table()
    click.echo(f"created {name}" if created else f"{name} already exists")
