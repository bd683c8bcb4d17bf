"""Emptying SQLite's write-ahead log, so that a value just erased leaves no copy in it.

An UPDATE or DELETE appends new page images to the WAL; the old images, erased value
included, stay in the file until it is cut short. `secure_delete` zeroes deleted bytes in
the pages it writes, never in frames already written, and a plain checkpoint only lets
the WAL be overwritten as it refills. A TRUNCATE checkpoint copies the WAL into the
database file (where the erased value is overwritten) and cuts the WAL to zero bytes.
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)


class WalEraser:
    """Empties one SQLite file's WAL on request, one checkpoint at a time per process."""

    def __init__(self, path: str, busy_timeout_seconds: float) -> None:
        self._path = path
        self._timeout = busy_timeout_seconds
        self._running = False
        self._again = False

    def request(self) -> None:
        """Empty the WAL: at once, or soon in gevent's threadpool when gevent drives this process.

        Under gevent the checkpoint waits for readers and syncs the file off the hub, and
        requests made meanwhile are served by one more checkpoint after it.
        """
        if not _gevent_patched():
            self._report(self._truncate())
            return
        if self._running:
            self._again = True
            return
        self._running = True
        import gevent

        gevent.spawn(self._serve_requests)

    def _serve_requests(self) -> None:
        from gevent import get_hub

        try:
            self._again = True
            while self._again:
                self._again = False
                self._report(get_hub().threadpool.apply(self._truncate))
        finally:
            self._running = False

    def _truncate(self) -> str | None:
        """One TRUNCATE checkpoint on a connection of its own; why it fell short, if it did.

        Runs in a native thread under gevent, so it neither logs nor touches the app's pool.
        """
        try:
            connection = sqlite3.connect(self._path, timeout=self._timeout)
            try:
                busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                connection.close()
        except sqlite3.Error as error:
            return f"{type(error).__name__}: {error}"
        return "other connections kept it busy" if busy else None

    @staticmethod
    def _report(problem: str | None) -> None:
        # The next request catches up: each checkpoint empties everything written before it.
        if problem is not None:
            log.warning("Could not empty the database's write-ahead log: %s", problem)


def _gevent_patched() -> bool:
    try:
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return is_module_patched("threading")
