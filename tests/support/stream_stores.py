"""The stream-store backends the contract suite runs against, and how to open them.

A backend opens "workers": store instances on one shared backend, as two processes (or
hosts) would. A new backend (Redis) is one more name in BACKENDS and one more branch in
each opener; the contract tests need no other change.
"""

from __future__ import annotations

import threading
from pathlib import Path

from backend.app.limits.run_slots import RunSlots
from backend.app.storage.db import Database
from backend.app.storage.migrate import upgrade_to_head
from backend.app.streaming.protocols import RunCaps, StreamStore
from backend.app.streaming.sqlite import SqliteStreamStore

BACKENDS = ["sqlite"]


class StreamBackend:
    """One shared backend of the given kind, for one test."""

    def __init__(self, name: str, tmp_path: Path) -> None:
        self.name = name
        self.tmp_path = tmp_path

    def worker(self, *, max_events: int = 10, retention_seconds: float = 600) -> StreamStore:
        """A new store instance on the shared backend: one more worker."""
        if self.name == "sqlite":
            return SqliteStreamStore(
                self.tmp_path / "streams.db",
                max_events=max_events,
                retention_seconds=retention_seconds,
            )
        raise ValueError(f"no stream-store backend named {self.name!r}")

    def run_caps(self, cap: int) -> RunCaps:
        """A new run-cap counter on the shared backend: one more worker."""
        if self.name == "sqlite":
            database = Database(f"sqlite:///{self.tmp_path / 'app.db'}")
            upgrade_to_head(database.engine, self.tmp_path)
            return RunSlots(database, cap)
        raise ValueError(f"no run-caps backend named {self.name!r}")


def race(calls: list) -> list:
    """Run the calls at once, each in its own thread released by one barrier; their results.

    Threads, not greenlets: the tests do not patch blocking I/O, so only threads make the
    calls overlap inside the backend (SQLite's lock, a socket to Redis).
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
