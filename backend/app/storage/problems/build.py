"""Wire the problem store into the app: repository by PROBLEM_STORE, outbox, drain loop."""

from __future__ import annotations

from flask import Flask, current_app

from backend.app.config import Settings
from backend.app.storage.db import Database
from backend.app.storage.problems.outbox import ProblemOutbox
from backend.app.storage.problems.repository import ProblemRepository
from backend.app.storage.problems.service import ProblemStore

OUTBOX_FILE = "problem_outbox.db"


def build_problem_repository(settings: Settings, database: Database) -> ProblemRepository:
    """The repository PROBLEM_STORE names: the app's SQL database or DynamoDB."""
    if settings.PROBLEM_STORE == "dynamodb":
        # Imported only here: a SQLite-only deployment never loads boto3.
        from backend.app.storage.problems.dynamodb_repository import (
            DynamoProblemRepository,
            create_dynamodb_client,
        )

        return DynamoProblemRepository(
            create_dynamodb_client(settings), settings.PROBLEMS_TABLE_NAME
        )
    from backend.app.storage.problems.sqlite_repository import SqlProblemRepository

    return SqlProblemRepository(database, settings.DATA_DIR)


def build_problem_store(settings: Settings, database: Database) -> ProblemStore:
    """A ProblemStore with its outbox in DATA_DIR (not yet draining)."""
    outbox = ProblemOutbox(
        settings.DATA_DIR / OUTBOX_FILE, retry_seconds=settings.PROBLEM_OUTBOX_RETRY_SECONDS
    )
    return ProblemStore(build_problem_repository(settings, database), outbox)


def register_problem_store(app: Flask) -> None:
    """Attach the problem store (after register_database) and start retrying waiting saves."""
    settings = app.config["SETTINGS"]
    store = build_problem_store(settings, app.extensions["tutor.db"])
    store.start_background_drain(settings.PROBLEM_OUTBOX_RETRY_SECONDS)
    app.extensions["tutor.problems"] = store


def get_problem_store() -> ProblemStore:
    """The current app's problem store."""
    return current_app.extensions["tutor.problems"]
