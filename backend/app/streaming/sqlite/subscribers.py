"""SubscriberCounts on SQLite: one row per run and worker, held under a renewable lease."""

from __future__ import annotations

import time

from backend.app.streaming.sqlite.connection import SqliteTables


class SqliteSubscriberCounts(SqliteTables):
    """Live subscriptions per run, counted over every worker whose lease has not lapsed."""

    _worker: str  # this store instance: the worker whose subscriptions it counts

    def join(self, run_id: str, limit: int, ttl: float) -> bool:
        """Count one more subscriber of the run unless `limit` are live; True when counted."""
        now = time.time()

        def take(cursor):
            # Read and add in one IMMEDIATE transaction: two workers cannot both see room.
            cursor.execute(
                "DELETE FROM run_subscribers WHERE run_id = ? AND expires_at <= ?", (run_id, now)
            )
            (live,) = cursor.execute(
                "SELECT COALESCE(SUM(joined), 0) FROM run_subscribers WHERE run_id = ?",
                (run_id,),
            ).fetchone()
            if live >= limit:
                return False
            cursor.execute(
                "INSERT INTO run_subscribers (run_id, worker, joined, expires_at) "
                "VALUES (?, ?, 1, ?) ON CONFLICT (run_id, worker) "
                "DO UPDATE SET joined = joined + 1, expires_at = excluded.expires_at",
                (run_id, self._worker, now + ttl),
            )
            return True

        return self._write(take)

    def leave(self, run_id: str) -> None:
        """Count one subscriber of this worker less (never below zero)."""

        def drop(cursor):
            cursor.execute(
                "UPDATE run_subscribers SET joined = joined - 1 WHERE run_id = ? AND worker = ?",
                (run_id, self._worker),
            )
            cursor.execute(
                "DELETE FROM run_subscribers WHERE run_id = ? AND worker = ? AND joined <= 0",
                (run_id, self._worker),
            )

        self._write(drop)

    def subscriber_count(self, run_id: str) -> int:
        """Live subscribers of the run, on every worker."""
        rows = self._read(
            "SELECT COALESCE(SUM(joined), 0) FROM run_subscribers "
            "WHERE run_id = ? AND expires_at > ?",
            (run_id, time.time()),
        )
        return rows[0][0]

    def renew_subscriptions(self, ttl: float) -> None:
        """Extend the lease of every subscription this worker holds (one statement)."""
        self._write(
            lambda c: c.execute(
                "UPDATE run_subscribers SET expires_at = ? WHERE worker = ?",
                (time.time() + ttl, self._worker),
            )
        )
