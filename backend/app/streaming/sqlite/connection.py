"""One SQLite file (WAL) per host, its schema, and the short transactions every part runs."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import gevent

from backend.app.streaming.off_hub import gevent_drives_this_process
from backend.app.streaming.sqlite.upgrade import upgrade_to_hashed_tickets
from backend.app.streaming.sqlite.wal import WalCheckpointer

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
CREATE TABLE IF NOT EXISTS run_subscribers (
    run_id TEXT NOT NULL, worker TEXT NOT NULL, joined INTEGER NOT NULL,
    expires_at REAL NOT NULL, PRIMARY KEY (run_id, worker)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS takeover_claims (
    run_id TEXT NOT NULL, lapse_key TEXT NOT NULL, holder TEXT NOT NULL,
    expires_at REAL NOT NULL, PRIMARY KEY (run_id, lapse_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS current_blocks (
    run_id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_runs_finished ON runs (status, finished_at);
CREATE INDEX IF NOT EXISTS ix_runs_lease ON runs (status, lease_expires_at);
CREATE INDEX IF NOT EXISTS ix_ticket_hashes_expiry ON ticket_hashes (expires_at);
CREATE INDEX IF NOT EXISTS ix_run_subscribers_worker ON run_subscribers (worker);
CREATE INDEX IF NOT EXISTS ix_takeover_claims_expiry ON takeover_claims (expires_at);
CREATE INDEX IF NOT EXISTS ix_current_blocks_expiry ON current_blocks (expires_at);
"""
BUSY_TIMEOUT_MS = 3000
# SQLite checkpoints by itself inside the commit that fills the WAL past 1,000 pages, and
# under gevent that commit held every greenlet of the worker: this store, rewritten every
# preview interval while lessons stream, filled it about every 1.6 s, and those commits
# took 5-8 ms instead of about 1 ms. So under gevent a native thread checkpoints (wal.py)
# at most this often while the store is written, and SQLite's own checkpoint is left only
# as a bound on the WAL (about 80 MB) in case the thread falls behind.
CHECKPOINT_EVERY_SECONDS = 1.0
WAL_PAGES_BEFORE_INLINE_CHECKPOINT = 20_000

T = TypeVar("T")


class SqliteDatabase:
    """The process's one connection to the store file; greenlets take turns through a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Every call is one short transaction, so no greenlet holds the lock across a wait.
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
        self._checkpoints: WalCheckpointer | None = None
        self._next_checkpoint = 0.0
        self._checkpointing = False
        if gevent_drives_this_process():
            self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES_BEFORE_INLINE_CHECKPOINT}")
            self._checkpoints = WalCheckpointer(
                str(path),
                BUSY_TIMEOUT_MS / 1000,
                "PASSIVE",
                "Could not copy the stream store's write-ahead log back",
            )

    def write(self, statements: Callable[[sqlite3.Cursor], T]) -> T:
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
        self._checkpoint_if_due()
        return result

    def _checkpoint_if_due(self) -> None:
        if self._checkpoints is None or self._checkpointing:
            return
        now = time.monotonic()
        if now >= self._next_checkpoint:
            self._next_checkpoint = now + CHECKPOINT_EVERY_SECONDS
            self._checkpointing = True
            gevent.spawn(self._checkpoint)

    def _checkpoint(self) -> None:
        """Copy the WAL back while this process writes nothing (its greenlets wait, the hub
        does not): a checkpoint that copies every frame lets the next write start the WAL
        afresh, where one racing the writes would leave it growing."""
        try:
            with self._lock:
                self._checkpoints.checkpoint_now()
        finally:
            self._checkpointing = False

    def read(self, sql: str, params: tuple | list) -> list:
        """The rows of one query, outside any explicit transaction."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()


class SqliteTables:
    """Base of the store's parts: each runs its statements on the shared database."""

    _db: SqliteDatabase

    def _write(self, statements: Callable[[sqlite3.Cursor], T]) -> T:
        return self._db.write(statements)

    def _read(self, sql: str, params: tuple | list) -> list:
        return self._db.read(sql, params)
