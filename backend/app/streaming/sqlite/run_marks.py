"""RunLeases and CancelMarks on SQLite: columns of the `runs` table the run log keeps."""

from __future__ import annotations

import time

from backend.app.streaming.sqlite.connection import SqliteTables


class SqliteRunLeases(SqliteTables):
    """A producer's leases on its runs; run_info and lapsed_runs show a lapse."""

    def renew_leases(self, run_ids: list[str], lease_seconds: float) -> None:
        """Push forward the leases of several running runs at once (one statement)."""
        if not run_ids:
            return
        marks = ",".join("?" * len(run_ids))
        self._write(
            lambda c: c.execute(
                "UPDATE runs SET lease_expires_at = ? "  # only placeholders are formatted in
                f"WHERE status = 'running' AND run_id IN ({marks})",
                (time.time() + lease_seconds, *run_ids),
            )
        )


class SqliteCancelMarks(SqliteTables):
    """Cancel requests any worker makes and the producing worker reads."""

    def cancel_marked_runs(self) -> set[str]:
        """Ids of the running runs marked for cancellation, whichever worker produces them."""
        rows = self._read(
            "SELECT run_id FROM runs WHERE status = 'running' AND cancel_requested = 1", ()
        )
        return {run_id for (run_id,) in rows}

    def request_cancel(self, run_id: str) -> None:
        """Mark the run for cancellation; its producer notices within its check interval."""
        self._write(
            lambda c: c.execute("UPDATE runs SET cancel_requested = 1 WHERE run_id = ?", (run_id,))
        )
