"""The LangGraph checkpointer at CHECKPOINT_URL: SQLite by default, or a pooled Postgres."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from backend.app.config import ConfigError, Settings
from backend.app.observability.redaction import url_without_password
from backend.app.storage.file_lock import host_lock
from backend.app.storage.postgres import (
    CHECKPOINT_SETUP_LOCK_KEY,
    CONNECT_TIMEOUT_SECONDS,
    advisory_lock,
    is_postgres_url,
    libpq_url,
)

SQLITE_BUSY_TIMEOUT_MS = 3000

# The saver serialises its queries behind one lock per process, so a few connections are
# plenty; the pool is there to replace the ones a database restart breaks.
POSTGRES_POOL_MIN_SIZE = 1
POSTGRES_POOL_MAX_SIZE = 4
# How long a request waits for a working connection before it fails (database down).
POSTGRES_POOL_TIMEOUT_SECONDS = 3
# How long start-up waits for the first connection.
POSTGRES_OPEN_TIMEOUT_SECONDS = 10


def create_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    """A ready-to-use saver; its tables are created when missing."""
    url = settings.CHECKPOINT_URL or f"sqlite:///{(settings.DATA_DIR / 'checkpoints.db').resolve()}"
    if is_postgres_url(url):
        return _postgres(url)
    if url.startswith("sqlite:///"):
        return _sqlite(Path(url.removeprefix("sqlite:///")))
    raise ConfigError(
        "CHECKPOINT_URL must be a sqlite:/// or postgresql:// URL,"
        f" not {url_without_password(url)!r}"
    )


def _sqlite(path: Path) -> BaseCheckpointSaver:
    from langgraph.checkpoint.sqlite import SqliteSaver

    path.parent.mkdir(parents=True, exist_ok=True)
    # One connection per process, shared by greenlets behind the saver's own lock; other
    # workers reach the same file, so WAL and a short busy timeout as in the main store.
    connection = sqlite3.connect(
        path, check_same_thread=False, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
    )
    # Switching to WAL does not wait for a busy file: workers starting together failed
    # with "database is locked" (and gunicorn then stops them all). They take turns.
    with host_lock(path.with_name(path.name + ".setup.lock")):
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # As in the main store: in WAL mode a commit then needs no fsync (the log is synced
        # at checkpoints), and the file stays consistent; a power cut may lose the last
        # commits, a crash of the process none. Each fsync blocked the worker's every
        # greenlet for about a third of a millisecond, several times per lesson start.
        connection.execute("PRAGMA synchronous=NORMAL")
        saver = SqliteSaver(connection)
        saver.setup()
    return saver


def _postgres(url: str) -> BaseCheckpointSaver:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    from backend.app.storage.postgres_pool import FailFastPool

    pool = FailFastPool(
        libpq_url(url),
        min_size=POSTGRES_POOL_MIN_SIZE,
        max_size=POSTGRES_POOL_MAX_SIZE,
        timeout=POSTGRES_POOL_TIMEOUT_SECONDS,
        # Each connection is checked when handed out: one a restart closed is replaced
        # instead of failing the request.
        check=FailFastPool.check_connection,
        kwargs={
            "autocommit": True,
            # No server-side prepared statements: they do not survive a reconnect (nor
            # a transaction-pooling proxy).
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        },
        name="checkpoints",
        open=False,
    )
    try:
        pool.open(wait=True, timeout=POSTGRES_OPEN_TIMEOUT_SECONDS)
        saver = PostgresSaver(pool)
        # Hosts starting together on a fresh database would race creating the tables.
        with advisory_lock(url, CHECKPOINT_SETUP_LOCK_KEY):
            saver.setup()
    except BaseException:
        pool.close()  # its background workers would otherwise keep reconnecting
        raise
    return saver
