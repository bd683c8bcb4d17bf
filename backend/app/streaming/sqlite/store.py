"""Tickets and run logs shared by every worker of a host (DESIGN 4.2.1), on SQLite.

The interface is small on purpose, so a Redis backend (SET NX EX, GETDEL, Streams) can
take its place: TicketStore issue/peek/claim and RunLog create/append/finish/read/...
A ticket is stored as its hash, which is also its run's key, and no logged event carries
it (a subscriber adds it to `stream_start` as it serves the event): the file, its WAL and
the metrics and logs hold no usable ticket, so deleted rows need no wiping here.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from backend.app.streaming.sqlite.upgrade import upgrade_to_hashed_tickets

SCHEMA = """
CREATE TABLE IF NOT EXISTS ticket_hashes (
    ticket_hash TEXT PRIMARY KEY, owner TEXT NOT NULL, payload TEXT NOT NULL,
    expires_at REAL NOT NULL, claimed_at REAL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, kind TEXT NOT NULL,
    status TEXT NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0,
    lease_expires_at REAL NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, finished_at REAL, meta TEXT);
CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_runs_finished ON runs (status, finished_at);
CREATE INDEX IF NOT EXISTS ix_runs_lease ON runs (status, lease_expires_at);
CREATE INDEX IF NOT EXISTS ix_ticket_hashes_expiry ON ticket_hashes (expires_at);
"""
BUSY_TIMEOUT_MS = 3000
TICKET_BYTES = 32  # 256 bits of randomness


def run_id_for(ticket: str) -> str:
    """The run's key, and the ticket's own in the ticket table: a one-way hash of it.

    A ticket has 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    """
    return hashlib.sha256(ticket.encode()).hexdigest()[:40]


class RunLogFull(Exception):
    """The run reached STREAM_RUN_MAX_EVENTS."""


@dataclass(frozen=True)
class RunInfo:
    """What a subscriber needs to know about a run."""

    run_id: str
    owner: str
    kind: str
    finished: bool
    last_seq: int
    lease_expired: bool
    cancel_requested: bool


class SqliteStreamStore:
    """Tickets and run logs in one SQLite file (WAL) under DATA_DIR."""

    def __init__(self, path: Path, *, max_events: int, retention_seconds: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per process; greenlets take turns through the lock. Every call
        # is one short transaction, so no greenlet holds it across a wait.
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}
        if "meta" not in columns:  # a store file from before runs carried their meta
            self._db.execute("ALTER TABLE runs ADD COLUMN meta TEXT")
        upgrade_to_hashed_tickets(self._db)
        self._lock = threading.Lock()
        self.max_events = max_events
        self.retention_seconds = retention_seconds

    def _write(self, statements):
        """Run `statements(cursor)` in one IMMEDIATE transaction and return its result."""
        with self._lock:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                result = statements(cursor)
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back by itself
                    cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            return result

    def _read(self, sql: str, params: tuple):
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # --- tickets -------------------------------------------------------------------

    def issue(self, owner: str, payload: dict, ttl: float) -> str:
        """A new opaque ticket for `owner`, claimable once within `ttl` seconds."""
        ticket = secrets.token_urlsafe(TICKET_BYTES)
        now = time.time()

        def insert(cursor):
            cursor.execute("DELETE FROM ticket_hashes WHERE expires_at < ?", (now - 60,))
            cursor.execute(
                "INSERT INTO ticket_hashes (ticket_hash, owner, payload, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (run_id_for(ticket), owner, json.dumps(payload, ensure_ascii=False), now + ttl),
            )

        self._write(insert)
        return ticket

    def peek(self, ticket: str) -> str | None:
        """The owner of a ticket that can still be claimed, else None."""
        rows = self._read(
            "SELECT owner FROM ticket_hashes "
            "WHERE ticket_hash = ? AND claimed_at IS NULL AND expires_at > ?",
            (run_id_for(ticket), time.time()),
        )
        return rows[0][0] if rows else None

    def expired_unclaimed(self, ticket: str) -> bool:
        """True when the ticket ran out without ever being claimed (or is long gone unclaimed).

        A claimed ticket is never "expired unclaimed", even in the moment before its run
        is created on another worker.
        """
        rows = self._read(
            "SELECT claimed_at, expires_at FROM ticket_hashes WHERE ticket_hash = ?",
            (run_id_for(ticket),),
        )
        if rows:
            claimed_at, expires_at = rows[0]
            return claimed_at is None and expires_at <= time.time()
        # Swept after expiry: unclaimed unless a run was made from it.
        return self.run_info(run_id_for(ticket)) is None

    def claim(self, ticket: str) -> tuple[str, dict] | None:
        """(owner, payload) for exactly one caller; None if expired, unknown or claimed."""

        def take(cursor):
            row = cursor.execute(
                "UPDATE ticket_hashes SET claimed_at = ? WHERE ticket_hash = ? "
                "AND claimed_at IS NULL AND expires_at > ? RETURNING owner, payload",
                (time.time(), run_id_for(ticket), time.time()),
            ).fetchone()
            return (row[0], json.loads(row[1])) if row else None

        return self._write(take)

    # --- run logs ------------------------------------------------------------------

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
