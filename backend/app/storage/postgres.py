"""Postgres specifics shared by the database engine and the checkpointer.

One spelling for users: `postgresql://user:pw@host:port/db` in DATABASE_URL and
CHECKPOINT_URL (`postgres://` and `postgresql+psycopg://` are accepted too). SQLAlchemy
gets `postgresql+psycopg://` (psycopg 3; psycopg2 is not installed) and psycopg and its
pool get the plain libpq form.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# A down or unreachable database must fail a request within seconds, not hang it.
CONNECT_TIMEOUT_SECONDS = 3

# Fixed keys of the start-up advisory locks (any 64-bit integers, unique to this app).
MIGRATIONS_LOCK_KEY = 7_346_201_001
LOCK_POLL_SECONDS = 0.1
CHECKPOINT_SETUP_LOCK_KEY = 7_346_201_002
# A user's run-slot acquisitions lock (this class, a hash of the user id): Postgres keeps
# two-key advisory locks apart from the one-key locks above.
RUN_SLOTS_LOCK_CLASS = 7_346_201

_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    """Whether `url` names a Postgres database in one of the accepted spellings."""
    return url.lower().startswith(_SCHEMES)


def libpq_url(url: str) -> str:
    """The `postgresql://` form psycopg and psycopg_pool take."""
    return "postgresql://" + _without_scheme(url)


def sqlalchemy_url(url: str) -> str:
    """The `postgresql+psycopg://` form SQLAlchemy needs to pick psycopg 3."""
    return "postgresql+psycopg://" + _without_scheme(url)


def _without_scheme(url: str) -> str:
    for scheme in _SCHEMES:
        if url.lower().startswith(scheme):
            return url[len(scheme) :]
    raise ValueError("not a postgresql:// URL")


@contextmanager
def advisory_lock(url: str, key: int) -> Iterator[None]:
    """Hold Postgres advisory lock `key` for the block, on a connection of its own.

    Processes and hosts starting together on one database take turns here: the first
    creates tables, the others wait and then find them. A session lock dies with its
    connection, so a process killed while holding it does not block the others.
    """
    import psycopg

    with psycopg.connect(
        libpq_url(url), autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as connection:
        # Waiting in pg_advisory_lock would deadlock with the holder's own setup: LangGraph
        # creates its indexes CONCURRENTLY, which waits for every open transaction, a
        # blocked pg_advisory_lock call included, and Postgres cannot see the cycle (it
        # passes through the client). So waiters poll, between short statements.
        while not connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            # A broken connection has lost the lock already; unlocking would only mask
            # the error that broke it.
            if not connection.broken:
                connection.execute("SELECT pg_advisory_unlock(%s)", (key,))
