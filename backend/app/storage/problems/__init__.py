"""Generated problems: record, repositories (SQL | DynamoDB), outbox and the store service."""

from backend.app.storage.problems.errors import (
    InvalidCursor,
    ProblemConflict,
    ProblemRejected,
    ProblemStoreError,
    StoreUnavailable,
)
from backend.app.storage.problems.record import ProblemRecord, utc_now_iso
from backend.app.storage.problems.service import ProblemStore
from backend.app.storage.problems.setup import get_problem_store, register_problem_store

__all__ = [
    "InvalidCursor",
    "ProblemConflict",
    "ProblemRecord",
    "ProblemRejected",
    "ProblemStore",
    "ProblemStoreError",
    "StoreUnavailable",
    "get_problem_store",
    "register_problem_store",
    "utc_now_iso",
]
