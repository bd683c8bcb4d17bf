"""MAX_CONCURRENT_RUNS_PER_USER: a shared count of running generations per user.

Runs outlive their request (a stream's producer keeps going after the POST), so a slot is
a row in the shared database with a lease: the producer renews it while it works and
releases it when done; a worker that died leaves a lease that simply lapses.

RunSlots is the SQL backend of streaming.protocols.RunCaps (the contract suite runs it on
SQLite and PostgreSQL). It stays beside the database it counts in: streaming/ imports no
storage.

Every lesson start takes a slot, and a class opening lessons together is served one start
after another by its worker, so the statements are built once per process (bound
parameters, executed on a plain connection, not through the ORM's session): taking a
slot is two statements, about 0.15 ms of CPU on SQLite against 0.8 ms for the four ORM
statements it used to be.
"""

from __future__ import annotations

import time

from sqlalchemy import Float, Integer, String, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend.app.errors import APIError
from backend.app.storage.db import Database
from backend.app.storage.models import ActiveRun
from backend.app.storage.postgres import RUN_SLOTS_LOCK_CLASS
from backend.app.streaming.run_caps import DEFAULT_LEASE_SECONDS, CapsAnswers

_runs = ActiveRun.__table__
_USER = bindparam("user_id", type_=String)
_RUN = bindparam("run_id", type_=String)

# Serialises one user's acquisitions on PostgreSQL, held until the transaction ends (an
# advisory lock: the user needs no row of its own). On SQLite the first write below takes
# the database's write lock for the rest of the transaction instead.
_LOCK_USER = select(func.pg_advisory_xact_lock(RUN_SLOTS_LOCK_CLASS, func.hashtext(_USER)))
# Lapsed slots of this user, and a lapsed slot of this very run, no longer count.
_DELETE_LAPSED = delete(_runs).where(
    _runs.c.lease_expires_at <= bindparam("now", type_=Float),
    or_(_runs.c.user_id == _USER, _runs.c.run_id == _RUN),
)
# The slot, only while the user has room: no row inserted means the cap is reached. A
# slot of the same run still running fails on the primary key.
_users_runs = select(func.count()).select_from(_runs).where(_runs.c.user_id == _USER)
_room_left = _users_runs.scalar_subquery() < bindparam("cap", type_=Integer)
_INSERT_IF_ROOM = (
    insert(_runs)
    .from_select(
        ["run_id", "user_id", "kind", "lease_expires_at"],
        select(
            _RUN, _USER, bindparam("kind", type_=String), bindparam("expires_at", type_=Float)
        ).where(_room_left),
    )
    # SQLAlchemy keeps an INSERT's row count only when asked (psycopg would report -1).
    .execution_options(preserve_rowcount=True)
)
_HELD = select(_runs.c.run_id).where(_runs.c.run_id == _RUN)
_RENEW = (
    update(_runs)
    .where(_runs.c.run_id.in_(bindparam("run_ids", expanding=True)))
    .values(lease_expires_at=bindparam("expires_at", type_=Float))
)
_RELEASE = delete(_runs).where(_runs.c.run_id == _RUN)
_RUNNING = (
    select(func.count())
    .select_from(_runs)
    .where(_runs.c.user_id == _USER, _runs.c.lease_expires_at > bindparam("now", type_=Float))
)


class RunSlots(CapsAnswers):
    """Acquire, renew and release a user's run slots atomically across workers."""

    def __init__(self, db: Database, cap: int) -> None:
        self._engine = db.engine
        self._locks_users = db.engine.dialect.name == "postgresql"
        self.cap = cap

    def try_acquire(
        self, user_id: str, run_id: str, kind: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> bool:
        """Take a slot for `run_id`; False when the user already runs `cap` generations.

        A `run_id` that is already running (say, a second turn of one session) is a 409.
        """
        now = time.time()
        values = {
            "user_id": user_id,
            "run_id": run_id,
            "kind": kind,
            "now": now,
            "expires_at": now + lease_seconds,
            "cap": self.cap,
        }
        try:
            with self._engine.begin() as connection:
                if self._locks_users:
                    connection.execute(_LOCK_USER, values)
                connection.execute(_DELETE_LAPSED, values)
                inserted = connection.execute(_INSERT_IF_ROOM, values).rowcount
        except IntegrityError:
            if self._held(run_id):
                raise APIError(
                    409, "CONFLICT", "This is already running. Wait for it to finish."
                ) from None
            raise
        return inserted == 1

    def renew(self, run_ids: list[str], lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        """Extend the leases of runs that are still working (one statement for all)."""
        if not run_ids:
            return
        with self._engine.begin() as connection:
            connection.execute(
                _RENEW, {"run_ids": list(run_ids), "expires_at": time.time() + lease_seconds}
            )

    def release(self, run_id: str) -> None:
        """Free the slot (idempotent)."""
        with self._engine.begin() as connection:
            connection.execute(_RELEASE, {"run_id": run_id})

    def running(self, user_id: str) -> int:
        """How many unexpired runs the user has."""
        with self._engine.connect() as connection:
            return connection.scalar(_RUNNING, {"user_id": user_id, "now": time.time()})

    def _held(self, run_id: str) -> bool:
        with self._engine.connect() as connection:
            return connection.scalar(_HELD, {"run_id": run_id}) is not None
