"""RunLog on SQLite: numbered events per run, capped, ended by exactly one terminal event."""

from __future__ import annotations

import json
import time

import gevent

from backend.app.streaming.records import RunInfo, RunLogFull
from backend.app.streaming.sqlite.connection import SqliteTables

# How often the reader looks for new events of runs produced by other workers.
READ_POLL_SECONDS = 0.05
# Runs per query (two bound values each, well under SQLite's limit on variables).
READ_MANY_CHUNK = 400


class SqliteRunLog(SqliteTables):
    """Run logs in the `runs` and `run_events` tables."""

    max_events: int
    retention_seconds: float

    def create_run(
        self, run_id: str, owner: str, kind: str, lease_seconds: float, meta: dict | None = None
    ) -> None:
        """Open a run log (and drop finished runs past their retention).

        `meta` is what whoever ends the run needs to wrap it up, even on another worker.
        """
        now = time.time()

        def insert(cursor):
            expired = now - self.retention_seconds
            cursor.execute(
                "DELETE FROM run_events WHERE run_id IN (SELECT run_id FROM runs "
                "WHERE status = 'finished' AND finished_at < ?)",
                (expired,),
            )
            cursor.execute(
                "DELETE FROM runs WHERE status = 'finished' AND finished_at < ?", (expired,)
            )
            cursor.execute(
                "INSERT INTO runs (run_id, owner, kind, status, lease_expires_at, created_at, meta) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                (
                    run_id,
                    owner,
                    kind,
                    now + lease_seconds,
                    now,
                    json.dumps(meta or {}, ensure_ascii=False),
                ),
            )

        self._write(insert)

    def append(self, run_id: str, event: dict, *, terminal: bool = False) -> int | None:
        """Add an event with the next seq; None if the run already finished.

        A terminal event finishes the run in the same transaction, so exactly one
        terminal event ends each run even when a producer and a reaper race.
        """
        data = json.dumps(event, ensure_ascii=False)

        def add(cursor):
            running = cursor.execute(
                "SELECT 1 FROM runs WHERE run_id = ? AND status = 'running'", (run_id,)
            ).fetchone()
            if running is None:
                return None
            # The last seq is read from the log: producers add numbered events directly.
            seq = cursor.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM run_events WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            if not terminal and seq >= self.max_events:
                raise RunLogFull(run_id)
            cursor.execute("INSERT INTO run_events VALUES (?, ?, ?)", (run_id, seq, data))
            cursor.execute(
                "UPDATE runs SET last_seq = ?, status = ?, finished_at = ? WHERE run_id = ?",
                (
                    seq,
                    "finished" if terminal else "running",
                    time.time() if terminal else None,
                    run_id,
                ),
            )
            return seq

        return self._write(add)

    def append_batch(self, events: list[tuple[str, int, dict]]) -> set[str]:
        """Add non-terminal events their producers numbered, of any runs, in one transaction.

        Returns the runs whose events were refused because the run has finished (a reaper
        ended it). A producer knows its next seq, so this reads no seq: one statement for
        the batch instead of a read-modify-write transaction per token.
        """
        if not events:
            return set()
        run_ids = sorted({run_id for run_id, _, _ in events})
        rows = [
            (run_id, seq, json.dumps(event, ensure_ascii=False)) for run_id, seq, event in events
        ]
        marks = ",".join("?" * len(run_ids))

        def insert(cursor):
            running = {
                run_id
                for (run_id,) in cursor.execute(
                    "SELECT run_id FROM runs "  # only placeholders are formatted in
                    f"WHERE status = 'running' AND run_id IN ({marks})",
                    run_ids,
                )
            }
            cursor.executemany(
                "INSERT OR IGNORE INTO run_events VALUES (?, ?, ?)",
                [row for row in rows if row[0] in running],
            )
            return set(run_ids) - running

        return self._write(insert)

    def read(self, run_id: str, after_seq: int) -> list[tuple[int, dict]]:
        """Events with seq > after_seq, in order."""
        rows = self._read(
            "SELECT seq, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq",
            (run_id, after_seq),
        )
        return [(seq, json.loads(data)) for seq, data in rows]

    def read_many(
        self, cursors: dict[str, int], wait_seconds: float = 0.0
    ) -> dict[str, list[tuple[int, dict]]]:
        """Events after each run's cursor, one query per poll; polls until one arrives.

        SQLite cannot notify: the reader polls every READ_POLL_SECONDS, for every run at
        once, instead of each subscriber polling on its own.
        """
        deadline = time.monotonic() + wait_seconds
        while True:
            found: dict[str, list[tuple[int, dict]]] = {}
            items = list(cursors.items())
            for start in range(0, len(items), READ_MANY_CHUNK):
                chunk = items[start : start + READ_MANY_CHUNK]
                values = ",".join("(?, ?)" for _ in chunk)
                rows = self._read(
                    f"WITH wanted(run_id, after) AS (VALUES {values}) "  # placeholders only
                    "SELECT e.run_id, e.seq, e.data FROM wanted JOIN run_events e "
                    "ON e.run_id = wanted.run_id AND e.seq > wanted.after "
                    "ORDER BY e.run_id, e.seq",
                    [value for pair in chunk for value in pair],
                )
                for run_id, seq, data in rows:
                    found.setdefault(run_id, []).append((seq, json.loads(data)))
            if found or time.monotonic() >= deadline:
                return found
            gevent.sleep(min(READ_POLL_SECONDS, max(0.0, deadline - time.monotonic())))

    def run_info(self, run_id: str) -> RunInfo | None:
        """The run's owner and status, or None for an unknown (or expired) run."""
        rows = self._read(
            "SELECT owner, kind, status, last_seq, lease_expires_at, cancel_requested "
            "FROM runs WHERE run_id = ?",
            (run_id,),
        )
        if not rows:
            return None
        owner, kind, status, last_seq, lease, cancel = rows[0]
        return RunInfo(
            run_id, owner, kind, status == "finished", last_seq, lease < time.time(), bool(cancel)
        )

    def run_meta(self, run_id: str) -> dict:
        """The `meta` the run was created with ({} for an unknown run)."""
        rows = self._read("SELECT meta FROM runs WHERE run_id = ?", (run_id,))
        return json.loads(rows[0][0] or "{}") if rows else {}

    def lapsed_runs(self, kind: str, limit: int = 20) -> list[str]:
        """Running runs of `kind` whose producer stopped renewing its lease."""
        rows = self._read(
            "SELECT run_id FROM runs WHERE status = 'running' AND lease_expires_at < ? "
            "AND kind = ? LIMIT ?",
            (time.time(), kind, limit),
        )
        return [row[0] for row in rows]
