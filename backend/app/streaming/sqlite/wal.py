"""Checkpoints of an SQLite file's write-ahead log, kept off the event loop under gevent.

A checkpoint copies the WAL back into the database file and syncs it: milliseconds of
blocking I/O, which under gevent would hold every greenlet of the worker. So under gevent
a checkpoint runs in gevent's threadpool, on a connection of its own, one at a time;
requests made meanwhile are served by one more after it.
"""

from __future__ import annotations

import logging
import sqlite3

from backend.app.streaming.off_hub import gevent_drives_this_process, off_hub

log = logging.getLogger(__name__)


class WalCheckpointer:
    """Runs `PRAGMA wal_checkpoint(<mode>)` on one file when asked, off the hub under gevent."""

    def __init__(
        self, path: str, busy_timeout_seconds: float, mode: str, failure_message: str
    ) -> None:
        self._path = path
        self._timeout = busy_timeout_seconds
        self._mode = mode  # PASSIVE never waits for writers; TRUNCATE also empties the file
        self._failure_message = failure_message
        self._running = False
        self._again = False

    def request(self) -> None:
        """Checkpoint: at once, or soon in gevent's threadpool when gevent drives this process."""
        if not gevent_drives_this_process():
            self.checkpoint_now()
            return
        if self._running:
            self._again = True
            return
        self._running = True
        import gevent

        gevent.spawn(self._serve_requests)

    def checkpoint_now(self) -> None:
        """One checkpoint, in gevent's threadpool under gevent (the calling greenlet waits,
        the hub does not)."""
        self._report(off_hub(self._checkpoint))

    def _serve_requests(self) -> None:
        try:
            self._again = True
            while self._again:
                self._again = False
                self.checkpoint_now()
        finally:
            self._running = False

    def _checkpoint(self) -> str | None:
        """One checkpoint on a connection of its own; why it fell short, if it did.

        Runs in a native thread under gevent, so it neither logs nor touches other
        connections.
        """
        try:
            connection = sqlite3.connect(self._path, timeout=self._timeout)
            try:
                busy, _, _ = connection.execute(f"PRAGMA wal_checkpoint({self._mode})").fetchone()
            finally:
                connection.close()
        except sqlite3.Error as error:
            return f"{type(error).__name__}: {error}"
        # PASSIVE gives up rather than wait (another process may be checkpointing): no
        # failure, the next one copies what this one left.
        return "other connections kept it busy" if busy and self._mode != "PASSIVE" else None

    def _report(self, problem: str | None) -> None:
        # The next request catches up: each checkpoint covers everything written before it.
        if problem is not None:
            log.warning("%s: %s", self._failure_message, problem)
