"""Generated problems in the app's SQL database (SQLite by default, Postgres works too)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from backend.app.domain.problems import GeneratedProblem
from backend.app.storage.db import Database
from backend.app.storage.migrate import upgrade_to_head
from backend.app.storage.models import Problem
from backend.app.storage.problems.cursor import decode_cursor, encode_cursor
from backend.app.storage.problems.errors import ProblemConflict, StoreUnavailable
from backend.app.storage.problems.record import ProblemRecord, stored_verification


class SqlProblemRepository:
    """ProblemRepository on SQLAlchemy; the schema is Alembic's (revisions 0004, 0006)."""

    def __init__(self, database: Database, migrations_lock_dir: Path) -> None:
        self.database = database
        self._lock_dir = migrations_lock_dir

    def save(self, record: ProblemRecord) -> None:
        """Insert once; a repeat with the same request_id is a success."""
        try:
            with self._transaction() as session:
                session.add(_to_row(record))
            return
        except IntegrityError:
            pass  # the id exists: a retry of this save, or a genuine clash
        with self._transaction() as session:
            existing = session.get(Problem, record.problem_id)
        if existing is None or existing.request_id != record.request_id:
            raise ProblemConflict(f"problem {record.problem_id} exists from another request")

    def get(self, problem_id: str, user_id: str) -> ProblemRecord | None:
        """The record, or None when it is missing or owned by someone else."""
        with self._transaction() as session:
            row = session.get(Problem, problem_id)
        return _to_record(row) if row is not None and row.user_id == user_id else None

    def list_for_user(
        self, user_id: str, limit: int, cursor: str | None
    ) -> tuple[list[ProblemRecord], str | None]:
        """A page newest first, keyset-paged on (created_at, problem_id) descending."""
        query = select(Problem).where(Problem.user_id == user_id)
        if cursor is not None:
            created_at, problem_id = decode_cursor(cursor, user_id)
            query = query.where(
                or_(
                    Problem.created_at < created_at,
                    and_(Problem.created_at == created_at, Problem.problem_id < problem_id),
                )
            )
        query = query.order_by(Problem.created_at.desc(), Problem.problem_id.desc())
        with self._transaction() as session:
            # One row more than asked tells whether another page exists.
            rows = session.scalars(query.limit(limit + 1)).all()
        records = [_to_record(row) for row in rows[:limit]]
        if len(rows) <= limit:
            return records, None
        last = records[-1]
        return records, encode_cursor(user_id, last.created_at, last.problem_id)

    def create_table(self) -> bool:
        """Bring the schema to head (it owns the table); True when the table was new."""
        existed = self._has_table()
        try:
            upgrade_to_head(self.database.engine, self._lock_dir)
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc
        return not existed

    def ping(self) -> None:
        """Raise StoreUnavailable unless the database answers."""
        try:
            self.database.ping()
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc

    def _has_table(self) -> bool:
        try:
            return inspect(self.database.engine).has_table(Problem.__tablename__)
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        # Lock timeouts and lost connections are the store being unavailable; an
        # IntegrityError is an answer and passes through.
        try:
            with self.database.transaction() as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc


def _to_row(record: ProblemRecord) -> Problem:
    return Problem(
        problem_id=record.problem_id,
        user_id=record.user_id,
        created_at=record.created_at,
        request_id=record.request_id,
        prompt=record.prompt,
        problem_json=record.problem.model_dump_json(),
        # The wire shape (no None members), so the text reads like the API's JSON.
        verification=(
            json.dumps(record.verification_data, ensure_ascii=False)
            if record.verification is not None
            else None
        ),
        reference_solution=record.reference_solution,
    )


def _to_record(row: Problem) -> ProblemRecord:
    return ProblemRecord(
        problem_id=row.problem_id,
        user_id=row.user_id,
        created_at=row.created_at,
        prompt=row.prompt,
        request_id=row.request_id,
        problem=GeneratedProblem.model_validate_json(row.problem_json),
        verification=stored_verification(
            json.loads(row.verification) if row.verification is not None else None
        ),
        reference_solution=row.reference_solution,
    )
