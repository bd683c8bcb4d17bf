"""MAX_CONCURRENT_RUNS_PER_USER: a shared count of running generations per user.

Runs outlive their request (a stream's producer keeps going after the POST), so a slot is
a row in the shared database with a lease: the producer renews it while it works and
releases it when done; a worker that died leaves a lease that simply lapses.

RunSlots is the SQL backend of streaming.protocols.RunCaps (the contract suite runs it).
It stays beside the database it counts in: streaming/ imports no storage.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, func, insert, or_, select, update

from backend.app.errors import APIError
from backend.app.storage.db import Database
from backend.app.storage.models import ActiveRun, User
from backend.app.streaming.run_caps import DEFAULT_LEASE_SECONDS, CapsAnswers


class RunSlots(CapsAnswers):
    """Acquire, renew and release a user's run slots atomically across workers."""

    def __init__(self, db: Database, cap: int) -> None:
        self._db = db
        self.cap = cap

    def try_acquire(
        self, user_id: str, run_id: str, kind: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> bool:
        """Take a slot for `run_id`; False when the user already runs `cap` generations.

        A `run_id` that is already running (say, a second turn of one session) is a 409.
        """
        now = time.time()
        # Core statements, not the ORM's unit of work: every lesson start pays for this, and
        # a class starting together is served one start after another (about 0.5 ms saved).
        with self._db.transaction() as session:
            # Serialise a user's acquisitions: a row lock on Postgres; on SQLite the first
            # write below takes the database's write lock for the rest of the transaction.
            session.execute(select(User.id).where(User.id == user_id).with_for_update())
            session.execute(
                delete(ActiveRun).where(
                    ActiveRun.user_id == user_id, ActiveRun.lease_expires_at <= now
                )
            )
            running, same_run = session.execute(
                select(
                    func.count().filter(ActiveRun.user_id == user_id),
                    func.count().filter(ActiveRun.run_id == run_id),
                ).where(or_(ActiveRun.user_id == user_id, ActiveRun.run_id == run_id))
            ).one()
            if same_run:
                raise APIError(409, "CONFLICT", "This is already running. Wait for it to finish.")
            if running >= self.cap:
                return False
            session.execute(
                insert(ActiveRun).values(
                    run_id=run_id, user_id=user_id, kind=kind, lease_expires_at=now + lease_seconds
                )
            )
        return True

    def renew(self, run_ids: list[str], lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        """Extend the leases of runs that are still working (one statement for all)."""
        if not run_ids:
            return
        with self._db.transaction() as session:
            session.execute(
                update(ActiveRun)
                .where(ActiveRun.run_id.in_(run_ids))
                .values(lease_expires_at=time.time() + lease_seconds)
            )

    def release(self, run_id: str) -> None:
        """Free the slot (idempotent)."""
        with self._db.transaction() as session:
            session.execute(delete(ActiveRun).where(ActiveRun.run_id == run_id))

    def running(self, user_id: str) -> int:
        """How many unexpired runs the user has."""
        with self._db.transaction() as session:
            return session.scalar(
                select(func.count())
                .select_from(ActiveRun)
                .where(ActiveRun.user_id == user_id, ActiveRun.lease_expires_at > time.time())
            )
