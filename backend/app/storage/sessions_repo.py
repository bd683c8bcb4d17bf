"""The sessions index: who owns which session, where it stands, newest first."""

from __future__ import annotations

import time

from sqlalchemy import delete, insert, select, update

from backend.app.domain.tickets import run_id_for
from backend.app.storage.db import Database
from backend.app.storage.models import LearningSession

# What a caller is told about a session that is not there or not theirs (one 404 for both).
SESSION_NOT_FOUND = "This learning session does not exist."
# Built once: its compiled form is cached with it (parameters differ, the SQL does not).
_INSERT_SESSION = insert(LearningSession)


class SessionRepository:
    """Rows of `learning_sessions`, always scoped to their owner."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(
        self,
        session_id: str,
        user_id: str,
        chapter: int,
        section: int,
        user_type: str,
        *,
        stage: str = "session_start",
        active_run: tuple[str, str] | None = None,
    ) -> None:
        """Register a new session at its first section.

        A session whose lesson streams is registered with its stage and its running stream
        (`active_run`: ticket, kind) in the same statement, not in three transactions.
        """
        now = time.time()
        ticket, kind = active_run or (None, None)
        row = {
            "id": session_id,
            "user_id": user_id,
            "chapter_number": chapter,
            "section_number": section,
            "session_progress_stage": stage,
            "user_type": user_type,
            "completed_sections": 0,
            "active_run_ticket": ticket,
            "active_run_kind": kind,
            "created_at": now,
            "updated_at": now,
        }
        # One compiled INSERT on a plain connection: nothing reads the row back, and an ORM
        # object and its session cost three times the statement on every lesson start.
        with self._db.engine.begin() as connection:
            connection.execute(_INSERT_SESSION, row)

    def owned(self, session_id: str, user_id: str) -> LearningSession | None:
        """The session when `user_id` owns it, else None (callers answer 404 either way)."""
        with self._db.transaction() as session:
            row = session.get(LearningSession, session_id)
            return row if row is not None and row.user_id == user_id else None

    def record_progress(
        self, session_id: str, state: dict, *, active_run: tuple[str, str] | None = None
    ) -> None:
        """Mirror the session's position from its state after a turn, in one statement.

        `active_run` (ticket, kind): the stream the turn started, recorded with it (see
        `set_active_run`).
        """
        values = {
            "chapter_number": state["chapter_number"],
            "section_number": state["section_number"],
            "completed_sections": len(state.get("completed_sections", [])),
            "updated_at": time.time(),
        }
        if "session_progress_stage" in state:
            values["session_progress_stage"] = state["session_progress_stage"]
        if active_run is not None:
            values["active_run_ticket"], values["active_run_kind"] = active_run
        self._set(session_id, **values)

    def set_active_run(self, session_id: str, ticket: str, kind: str) -> None:
        """Remember the running stream of a session, for resuming after a reload.

        The ticket is the one credential kept here, and only while its run is live:
        `clear_active_run` erases it when the run ends.
        """
        self._set(session_id, active_run_ticket=ticket, active_run_kind=kind)

    def clear_active_run(self, session_id: str, run_id: str | None = None) -> None:
        """The session's stream ended: only the run `run_id`, when given.

        A question can be asked while a lesson streams; whichever ends first must not
        forget the other one. The ended run's ticket is erased from the disk too (the
        database zeroes deleted bytes; old copies in its write-ahead log go with it), also
        when a later run's ticket had replaced it in the row.
        """
        with self._db.transaction() as session:
            row = session.get(LearningSession, session_id)
            ticket = row.active_run_ticket if row is not None else None
            if ticket is not None and (run_id is None or run_id_for(ticket) == run_id):
                row.active_run_ticket = None
                row.active_run_kind = None
        self._db.erase_wal()

    def _set(self, session_id: str, **values) -> None:
        with self._db.transaction() as session:
            session.execute(
                update(LearningSession).where(LearningSession.id == session_id).values(**values)
            )

    def list_for(self, user_id: str, limit: int = 100) -> list[LearningSession]:
        """The user's sessions, most recently active first."""
        with self._db.transaction() as session:
            query = (
                select(LearningSession)
                .where(LearningSession.user_id == user_id)
                .order_by(LearningSession.updated_at.desc(), LearningSession.created_at.desc())
                .limit(limit)
            )
            return list(session.scalars(query))

    def delete(self, session_id: str) -> None:
        """Forget a session (one whose first lesson could not be produced)."""
        with self._db.transaction() as session:
            session.execute(delete(LearningSession).where(LearningSession.id == session_id))
