"""Build the problem store: the repository PROBLEM_STORE names, and its outbox."""

from __future__ import annotations

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
