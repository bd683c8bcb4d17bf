"""Emptying SQLite's write-ahead log, so that a value just erased leaves no copy in it.

An UPDATE or DELETE appends new page images to the WAL; the old images, erased value
included, stay in the file until it is cut short. `secure_delete` zeroes deleted bytes in
the pages it writes, never in frames already written, and a plain checkpoint only lets
the WAL be overwritten as it refills. A TRUNCATE checkpoint copies the WAL into the
database file (where the erased value is overwritten) and cuts the WAL to zero bytes.
"""

from __future__ import annotations

from backend.app.streaming.sqlite.wal import WalCheckpointer


class WalEraser(WalCheckpointer):
    """Empties one SQLite file's WAL on request, one checkpoint at a time per process.

    Under gevent the checkpoint waits for readers and syncs the file off the hub.
    """

    def __init__(self, path: str, busy_timeout_seconds: float) -> None:
        super().__init__(
            path,
            busy_timeout_seconds,
            "TRUNCATE",
            "Could not empty the database's write-ahead log",
        )
