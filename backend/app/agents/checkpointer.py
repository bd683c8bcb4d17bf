"""The LangGraph checkpointer at CHECKPOINT_URL: SQLite by default, Postgres accepted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from backend.app.config import ConfigError, Settings
from backend.app.observability.redaction import url_without_password

SQLITE_BUSY_TIMEOUT_MS = 3000


def create_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    """A ready-to-use saver; its tables are created when missing."""
    url = settings.CHECKPOINT_URL or f"sqlite:///{(settings.DATA_DIR / 'checkpoints.db').resolve()}"
    if url.startswith(("postgres://", "postgresql://")):
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
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    saver = SqliteSaver(connection)
    saver.setup()
    return saver


def _postgres(url: str) -> BaseCheckpointSaver:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg import Connection
    from psycopg.rows import dict_row

    connection = Connection.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(connection)
    saver.setup()
    return saver
