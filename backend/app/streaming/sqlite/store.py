"""The SQLite stream store: every part of a stream's shared state on one file (DESIGN 4.2.1).

Each part (tickets.py, run_log.py, run_marks.py, subscribers.py, takeovers.py,
current_blocks.py) implements one Protocol of streaming/protocols.py on the shared
connection; this class bundles them into one StreamStore, built once per process.
A ticket is stored as its hash, which is also its run's key, and no logged event carries
it (a subscriber adds it to `stream_start` as it serves the event): the file, its WAL and
the metrics and logs hold no usable ticket, so deleted rows need no wiping here.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from backend.app.streaming.sqlite.connection import SqliteDatabase
from backend.app.streaming.sqlite.current_blocks import SqliteCurrentBlocks
from backend.app.streaming.sqlite.run_log import SqliteRunLog
from backend.app.streaming.sqlite.run_marks import SqliteCancelMarks, SqliteRunLeases
from backend.app.streaming.sqlite.subscribers import SqliteSubscriberCounts
from backend.app.streaming.sqlite.takeovers import SqliteTakeoverClaims
from backend.app.streaming.sqlite.tickets import SqliteTickets


class SqliteStreamStore(
    SqliteTickets,
    SqliteRunLog,
    SqliteRunLeases,
    SqliteCancelMarks,
    SqliteSubscriberCounts,
    SqliteTakeoverClaims,
    SqliteCurrentBlocks,
):
    """Tickets, run logs and run coordination in one SQLite file (WAL) under DATA_DIR."""

    def __init__(self, path: Path, *, max_events: int, retention_seconds: float) -> None:
        # One connection per process; greenlets take turns through its lock.
        self._db = SqliteDatabase(path)
        self.max_events = max_events
        self.retention_seconds = retention_seconds
        # This instance stands for its worker wherever counts are kept per worker.
        self._worker = uuid.uuid4().hex

    def ping(self) -> None:
        """Raise if the store file cannot be read."""
        self._db.read("SELECT 1", ())
