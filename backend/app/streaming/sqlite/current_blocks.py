"""CurrentBlocks on SQLite: one overwritten row per run, outside the run log (DESIGN 4.2.3)."""

from __future__ import annotations

import json
import time

from backend.app.streaming.sqlite.connection import SqliteTables


class SqliteCurrentBlocks(SqliteTables):
    """The text of the block a run is writing, for previews on every worker."""

    def set_current_block(self, run_id: str, record: dict, ttl: float) -> None:
        """Replace the run's current-block record; it vanishes after `ttl` seconds."""
        now = time.time()
        data = json.dumps(record, ensure_ascii=False)

        def put(cursor):
            cursor.execute("DELETE FROM current_blocks WHERE expires_at <= ?", (now,))
            cursor.execute(
                "INSERT INTO current_blocks (run_id, data, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET data = excluded.data, "
                "expires_at = excluded.expires_at",
                (run_id, data, now + ttl),
            )

        self._write(put)

    def current_block(self, run_id: str) -> dict | None:
        """The run's current-block record, or None (none set, cleared or expired)."""
        rows = self._read(
            "SELECT data FROM current_blocks WHERE run_id = ? AND expires_at > ?",
            (run_id, time.time()),
        )
        return json.loads(rows[0][0]) if rows else None

    def clear_current_block(self, run_id: str) -> None:
        """Drop the run's current-block record."""
        self._write(lambda c: c.execute("DELETE FROM current_blocks WHERE run_id = ?", (run_id,)))
