"""CurrentBlocks on SQLite: one overwritten row per run, outside the run log (DESIGN 4.2.3)."""

from __future__ import annotations

import json
import time

from backend.app.streaming.sqlite.connection import SqliteTables


class SqliteCurrentBlocks(SqliteTables):
    """The text of the block each run is writing, for previews on every worker."""

    def set_current_blocks(self, records: dict[str, dict], ttl: float) -> None:
        """Replace the current-block record of each run, in one transaction."""
        if not records:
            return
        now = time.time()
        rows = [
            (run_id, json.dumps(record, ensure_ascii=False), now + ttl)
            for run_id, record in records.items()
        ]

        def put(cursor):
            cursor.execute("DELETE FROM current_blocks WHERE expires_at <= ?", (now,))
            cursor.executemany(
                "INSERT INTO current_blocks (run_id, data, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET data = excluded.data, "
                "expires_at = excluded.expires_at",
                rows,
            )

        self._write(put)

    def current_blocks(self, run_ids: list[str]) -> dict[str, dict]:
        """The unexpired records of those runs, in one query."""
        if not run_ids:
            return {}
        marks = ",".join("?" * len(run_ids))
        rows = self._read(
            "SELECT run_id, data FROM current_blocks "  # only placeholders are formatted in
            f"WHERE run_id IN ({marks}) AND expires_at > ?",
            (*run_ids, time.time()),
        )
        return {run_id: json.loads(data) for run_id, data in rows}
