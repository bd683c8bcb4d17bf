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

__all__ = [
    "InvalidCursor",
    "ProblemConflict",
    "ProblemRecord",
    "ProblemRejected",
    "ProblemStore",
    "ProblemStoreError",
    "StoreUnavailable",
    "utc_now_iso",
]
