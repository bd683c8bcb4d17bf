"""TakeoverClaims on SQLite: one row per (run, lapse), inserted by at most one claimant."""

from __future__ import annotations

import time

from backend.app.streaming.sqlite.connection import SqliteTables


class SqliteTakeoverClaims(SqliteTables):
    """Which worker continues a run whose lease lapsed (DESIGN 4.4)."""

    def claim_takeover(self, run_id: str, holder: str, lapse_key: str, ttl: float) -> bool:
        """True for exactly one claimant of (run_id, lapse_key) within `ttl` seconds."""
        now = time.time()

        def take(cursor):
            cursor.execute("DELETE FROM takeover_claims WHERE expires_at <= ?", (now,))
            inserted = cursor.execute(
                "INSERT OR IGNORE INTO takeover_claims (run_id, lapse_key, holder, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (run_id, lapse_key, holder, now + ttl),
            )
            return inserted.rowcount == 1

        return self._write(take)
