"""The stream store keeps ticket hashes only, and upgrades a file that kept tickets in plaintext."""

import json
import sqlite3
import time
from pathlib import Path

from backend.app.domain.tickets import run_id_for
from backend.app.streaming.sqlite import SqliteStreamStore

# The tickets a plaintext store file holds: issued, claimed (its run in the log), swept after
# expiry, and one in the log of a run dropped after its retention.
KINDS = ("waiting", "claimed", "swept", "retired")
# The schema of a store file from before tickets were hashed.
PLAINTEXT_SCHEMA = """
CREATE TABLE tickets (
    ticket TEXT PRIMARY KEY, owner TEXT NOT NULL, payload TEXT NOT NULL,
    expires_at REAL NOT NULL, claimed_at REAL);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, kind TEXT NOT NULL,
    status TEXT NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0,
    lease_expires_at REAL NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, finished_at REAL, meta TEXT);
CREATE TABLE run_events (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE INDEX ix_tickets_expiry ON tickets (expires_at);
"""


def files_holding(directory: Path, ticket: str) -> list[str]:
    """Files under `directory` whose raw bytes contain the ticket."""
    return sorted(p.name for p in directory.iterdir() if ticket.encode() in p.read_bytes())


def open_store(path: Path) -> SqliteStreamStore:
    return SqliteStreamStore(path, max_events=100, retention_seconds=600)


def test_the_store_file_never_holds_a_ticket(tmp_path):
    store = open_store(tmp_path / "streams.db")
    claimed = store.issue("alice", {"lesson": 1}, ttl=60)
    waiting = store.issue("alice", {"lesson": 2}, ttl=60)
    assert store.peek(claimed) == "alice"
    assert store.claim(claimed) == ("alice", {"lesson": 1})
    run_id = run_id_for(claimed)
    store.create_run(run_id, "alice", "theory", lease_seconds=30, meta={"lesson": 1})
    store.append(run_id, {"type": "stream_start", "estimated_blocks": 4})
    assert files_holding(tmp_path, claimed) == []
    assert files_holding(tmp_path, waiting) == []
    assert store.peek(waiting) == "alice"  # the hash still finds it


def test_hashed_tickets_keep_their_rules(tmp_path):
    store = open_store(tmp_path / "streams.db")
    ticket = store.issue("alice", {"n": 1}, ttl=60)
    assert store.claim(ticket[:-1] + ("A" if ticket[-1] != "A" else "B")) is None
    assert store.claim(ticket) == ("alice", {"n": 1})
    assert store.claim(ticket) is None and store.peek(ticket) is None
    expired = store.issue("alice", {}, ttl=0.01)
    time.sleep(0.05)
    assert store.peek(expired) is None and store.claim(expired) is None
    assert store.expired_unclaimed(expired) is True
    assert store.expired_unclaimed(ticket) is False


def plaintext_store(path: Path, tickets: dict[str, str]) -> None:
    """A store file as the plaintext version left it, with one ticket of each of KINDS."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA secure_delete=OFF")  # as many SQLite builds do: deleted bytes stay
    db.executescript(PLAINTEXT_SCHEMA)
    now = time.time()
    rows = [
        (tickets["waiting"], None, now + 60),
        (tickets["claimed"], now, now + 60),
        (tickets["swept"], None, now - 600),
    ]
    db.executemany(
        "INSERT INTO tickets (ticket, owner, payload, expires_at, claimed_at) "
        "VALUES (?, 'alice', '{}', ?, ?)",
        [(ticket, expires_at, claimed_at) for ticket, claimed_at, expires_at in rows],
    )
    db.execute("DELETE FROM tickets WHERE expires_at < ?", (now,))  # swept, bytes left behind
    run_id = run_id_for(tickets["claimed"])
    db.execute(
        "INSERT INTO runs (run_id, owner, kind, status, lease_expires_at, created_at, meta) "
        "VALUES (?, 'alice', 'theory', 'running', ?, ?, '{}')",
        (run_id, now + 30, now),
    )
    start = {"type": "stream_start", "temp_session_id": tickets["claimed"], "estimated_blocks": 4}
    db.execute("INSERT INTO run_events VALUES (?, 1, ?)", (run_id, json.dumps(start)))
    db.execute("INSERT INTO run_events VALUES (?, 2, ?)", (run_id, '{"type": "theory_block"}'))
    # A run past its retention: its events were deleted, their bytes left in their page.
    old = {"type": "stream_start", "temp_session_id": tickets["retired"]}
    db.execute("INSERT INTO run_events VALUES ('retired', 1, ?)", (json.dumps(old),))
    db.execute("DELETE FROM run_events WHERE run_id = 'retired'")
    db.close()


def test_a_plaintext_store_file_is_upgraded_and_keeps_no_ticket(tmp_path):
    path = tmp_path / "streams.db"
    tickets = {kind: f"plaintext-{kind}-ticket-0123456789" for kind in KINDS}
    plaintext_store(path, tickets)
    for kind in KINDS:  # the check can see them all, deleted ones included
        assert files_holding(tmp_path, tickets[kind]) == ["streams.db"], kind

    store = open_store(path)
    for ticket in tickets.values():
        assert files_holding(tmp_path, ticket) == []
    # The run survives: its events, without the ticket (subscribers put it back).
    run_id = run_id_for(tickets["claimed"])
    assert store.read(run_id, 0) == [
        (1, {"type": "stream_start", "estimated_blocks": 4}),
        (2, {"type": "theory_block"}),
    ]
    assert store.run_info(run_id).owner == "alice"
    assert store.claim(tickets["waiting"]) is None  # dropped: it lived a minute anyway
    fresh = store.issue("bob", {"n": 1}, ttl=60)
    assert open_store(path).claim(fresh) == ("bob", {"n": 1})  # a second opening is a no-op
