"""One-time upgrade of a stream store file from when it kept tickets in plaintext.

Such a file has a `tickets` table keyed by the ticket itself, and `stream_start` events
carrying it in their `temp_session_id`. Unclaimed tickets live a minute, so the table is
simply dropped (a learner holding one starts the lesson again); the events lose the ticket
(a subscriber puts it back as it serves them). Deleted bytes are then wiped too: SQLite
leaves them in free pages and in the write-ahead log.
"""

from __future__ import annotations

import json
import logging
import sqlite3

log = logging.getLogger(__name__)

# PRAGMA user_version of a store file that holds ticket hashes only.
HASHED_TICKETS_VERSION = 1


def upgrade_to_hashed_tickets(db: sqlite3.Connection) -> None:
    """Bring a store file to HASHED_TICKETS_VERSION (a no-op once it is there).

    Several workers may open the file together: the first to take the write lock upgrades
    it, the others find the version already set.
    """
    if _version(db) >= HASHED_TICKETS_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        upgraded = _version(db) < HASHED_TICKETS_VERSION
        if upgraded:
            db.execute("DROP TABLE IF EXISTS tickets")
            _strip_tickets_from_events(db)
            db.execute(f"PRAGMA user_version = {HASHED_TICKETS_VERSION}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if upgraded:
        _wipe_deleted_bytes(db)


def _version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _strip_tickets_from_events(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT run_id, seq, data FROM run_events WHERE data LIKE '%temp_session_id%'"
    ).fetchall()
    for run_id, seq, data in rows:
        event = json.loads(data)
        if event.pop("temp_session_id", None) is not None:
            db.execute(
                "UPDATE run_events SET data = ? WHERE run_id = ? AND seq = ?",
                (json.dumps(event, ensure_ascii=False), run_id, seq),
            )


def _wipe_deleted_bytes(db: sqlite3.Connection) -> None:
    """Rewrite the file without its free space, then empty the write-ahead log.

    Best effort: a worker busy with the file can make either step give up, which leaves
    old bytes on disk but every row already upgraded.
    """
    try:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as error:
        log.warning("Could not wipe the stream store's deleted tickets: %s", error)
