"""The stream-store backends the contract suite runs against, and how to open them.

A backend opens "workers": store instances on one shared backend, as two processes (or
hosts) would. A new backend is one more name in BACKENDS (and CAP_BACKENDS) and one more
branch in each opener; the contract tests need no other change.
"""

from __future__ import annotations

import threading
from pathlib import Path

import redis

from backend.app.limits.run_slots import RunSlots
from backend.app.storage.db import Database
from backend.app.storage.migrate import upgrade_to_head
from backend.app.streaming.protocols import RunCaps, StreamStore
from backend.app.streaming.redis import RedisRunCaps, RedisStreamStore
from backend.app.streaming.sqlite import SqliteStreamStore

BACKENDS = ["sqlite", "redis"]
# Run caps: the SQL `active_runs` table (on SQLite or PostgreSQL) or sorted sets on Redis.
CAP_BACKENDS = ["sqlite", "postgres", "redis"]


def open_backend(request, tmp_path: Path) -> StreamBackend:
    """The backend a parametrized fixture names (Redis: the session's server, a fresh prefix)."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        return StreamBackend("redis", tmp_path, url, request.getfixturevalue("redis_prefix"))
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_database_url")
        return StreamBackend("postgres", tmp_path, database_url=url)
    return StreamBackend(request.param, tmp_path)


class StreamBackend:
    """One shared backend of the given kind, for one test."""

    def __init__(
        self,
        name: str,
        tmp_path: Path,
        redis_url: str | None = None,
        prefix: str = "",
        database_url: str | None = None,
    ) -> None:
        self.name = name
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.prefix = prefix  # a Redis key prefix of this test's own
        self.database_url = database_url or f"sqlite:///{tmp_path / 'app.db'}"

    def worker(self, *, max_events: int = 10, retention_seconds: float = 600) -> StreamStore:
        """A new store instance on the shared backend: one more worker."""
        if self.name == "sqlite":
            return SqliteStreamStore(
                self.tmp_path / "streams.db",
                max_events=max_events,
                retention_seconds=retention_seconds,
            )
        if self.name == "redis":
            return RedisStreamStore(
                redis.Redis.from_url(self.redis_url),
                max_events=max_events,
                retention_seconds=retention_seconds,
                prefix=self.prefix,
            )
        raise ValueError(f"no stream-store backend named {self.name!r}")

    def run_caps(self, cap: int) -> RunCaps:
        """A new run-cap counter on the shared backend: one more worker."""
        if self.name in ("sqlite", "postgres"):
            database = Database(self.database_url)
            upgrade_to_head(database.engine, self.tmp_path)
            return RunSlots(database, cap)
        if self.name == "redis":
            return RedisRunCaps(redis.Redis.from_url(self.redis_url), cap, prefix=self.prefix)
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
