"""The interface every generated-problem backend implements (SQL, DynamoDB)."""

from __future__ import annotations

from typing import Protocol

from backend.app.storage.problems.record import ProblemRecord


class ProblemRepository(Protocol):
    """Durable storage of generated problems, owned by users."""

    def save(self, record: ProblemRecord) -> None:
        """Store `record`; a repeat with the same request_id is a success.

        Raises ProblemConflict when the id exists with another request_id, and
        StoreUnavailable when the store cannot be reached or fails on its side.
        """

    def get(self, problem_id: str, user_id: str) -> ProblemRecord | None:
        """The record, or None when it is missing or owned by someone else."""

    def list_for_user(
        self, user_id: str, limit: int, cursor: str | None
    ) -> tuple[list[ProblemRecord], str | None]:
        """One page of the user's records, newest first, and the next page's cursor."""

    def create_table(self) -> bool:
        """Create the table; True when created, False when it already existed."""

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""
