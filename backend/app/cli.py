"""`flask` commands for operators."""

from __future__ import annotations

import click
from alembic.runtime.migration import MigrationContext
from flask import Flask

from backend.app.storage.db import get_db
from backend.app.storage.problems.cli import problems_cli


def register_commands(app: Flask) -> None:
    """Attach the project's CLI commands to `flask --app wsgi:app ...`."""
    app.cli.add_command(migrate)
    app.cli.add_command(problems_cli)


@click.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date and print its revision."""
    # create_app() has already upgraded the schema under its lock; report where it stands.
    with get_db().engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    click.echo(f"database schema at revision {revision}")
