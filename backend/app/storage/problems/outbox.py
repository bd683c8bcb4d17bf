"""Problems waiting for the store: a SQLite file in DATA_DIR shared by a host's workers.

A problem whose save failed for a transient reason is kept here, shown to its owner as
not yet persisted, and saved later by `drain` (saves are idempotent, so a row worked twice
is harmless; the claim only keeps two workers from doing it at the same moment).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backend.app.domain.problems import GeneratedProblem
from backend.app.storage.problems.errors import (
    ProblemConflict,
    ProblemRejected,
    StoreUnavailable,
)
from backend.app.storage.problems.record import ProblemRecord, stored_verification
from backend.app.storage.problems.repository import ProblemRepository

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS problem_outbox (
    problem_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL,
    record TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL, claimed_until REAL NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS ix_problem_outbox_user ON problem_outbox (user_id, created_at);
CREATE INDEX IF NOT EXISTS ix_problem_outbox_due ON problem_outbox (next_attempt_at);
"""
# A blocking SQLite wait stalls every greenlet of the worker: keep it short.
BUSY_TIMEOUT_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 300.0
# A claim outlives a slow pass; a claim left by a dead worker frees itself after this.
CLAIM_SECONDS = 120.0
BATCH_SIZE = 100


class ProblemOutbox:
    """put/get/pending_for_user for readers, drain for the retry loop."""

    def __init__(self, path: Path, retry_seconds: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retry_seconds = retry_seconds
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # persistent: set once for the file
            db.executescript(SCHEMA)

    def put(self, record: ProblemRecord, now: float | None = None) -> None:
        """Keep `record` until a drain saves it (a second put of the same id is ignored)."""
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute(
                "INSERT INTO problem_outbox (problem_id, user_id, created_at, record,"
                " next_attempt_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (problem_id) DO NOTHING",
                (record.problem_id, record.user_id, record.created_at, _encode(record), now),
            )

    def get(self, problem_id: str, user_id: str) -> ProblemRecord | None:
        """The waiting record, or None when absent or owned by someone else."""
        with self._connect() as db:
            row = db.execute(
                "SELECT record FROM problem_outbox WHERE problem_id = ? AND user_id = ?",
                (problem_id, user_id),
            ).fetchone()
        return _decode(row[0]) if row else None

    def pending_for_user(self, user_id: str) -> list[ProblemRecord]:
        """The user's waiting records, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT record FROM problem_outbox WHERE user_id = ?"
                " ORDER BY created_at DESC, problem_id DESC",
                (user_id,),
            ).fetchall()
        return [_decode(row[0]) for row in rows]

    def count(self) -> int:
        """How many records are waiting."""
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM problem_outbox").fetchone()[0]

    def attempts(self, problem_id: str) -> int | None:
        """How many saves of a waiting record failed so far (None: not waiting)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT attempts FROM problem_outbox WHERE problem_id = ?", (problem_id,)
            ).fetchone()
        return row[0] if row else None

    def drain(self, repository: ProblemRepository, now: float | None = None) -> int:
        """Save the due records through `repository`; returns how many were saved."""
        now = time.time() if now is None else now
        claimed = self._claim_due(now)
        saved = 0
        for index, (problem_id, encoded, attempts) in enumerate(claimed):
            try:
                repository.save(_decode(encoded))
            except StoreUnavailable as exc:
                self._reschedule(problem_id, attempts + 1, now)
                log.warning("Problem store still unavailable (%s); %d waiting", exc, len(claimed))
                # The store is down: trying the rest now would only stack up timeouts.
                self._release([row[0] for row in claimed[index + 1 :]])
                break
            except ProblemConflict:
                log.error("Dropping waiting problem %s: its id is taken by another", problem_id)
                self._delete(problem_id)
            except ProblemRejected as exc:
                # Retrying would be refused the same way forever.
                log.error("Dropping waiting problem %s: the store refused it: %s", problem_id, exc)
                self._delete(problem_id)
            except Exception:
                log.exception("Saving waiting problem %s failed; will retry", problem_id)
                self._reschedule(problem_id, attempts + 1, now)
            else:
                self._delete(problem_id)
                saved += 1
        return saved

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number `attempts + 1`: doubling from the base, capped."""
        doublings = min(max(attempts - 1, 0), 20)  # bounded, so the power cannot overflow
        return min(self.retry_seconds * 2**doublings, MAX_BACKOFF_SECONDS)

    def _claim_due(self, now: float) -> list[tuple[str, str, int]]:
        with self._connect() as db:
            # IMMEDIATE takes the write lock first, so two workers never claim one row.
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute(
                "SELECT problem_id, record, attempts FROM problem_outbox"
                " WHERE next_attempt_at <= ? AND claimed_until <= ?"
                " ORDER BY next_attempt_at LIMIT ?",
                (now, now, BATCH_SIZE),
            ).fetchall()
            db.executemany(
                "UPDATE problem_outbox SET claimed_until = ? WHERE problem_id = ?",
                [(now + CLAIM_SECONDS, row[0]) for row in rows],
            )
            db.execute("COMMIT")
        return rows

    def _reschedule(self, problem_id: str, attempts: int, now: float) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE problem_outbox SET attempts = ?, next_attempt_at = ?, claimed_until = 0"
                " WHERE problem_id = ?",
                (attempts, now + self.backoff(attempts), problem_id),
            )

    def _release(self, problem_ids: list[str]) -> None:
        with self._connect() as db:
            db.executemany(
                "UPDATE problem_outbox SET claimed_until = 0 WHERE problem_id = ?",
                [(problem_id,) for problem_id in problem_ids],
            )

    def _delete(self, problem_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM problem_outbox WHERE problem_id = ?", (problem_id,))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: safe from any thread or greenlet, and
        # autocommit (isolation_level=None) so no transaction outlives its statement.
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            yield db
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()


def _encode(record: ProblemRecord) -> str:
    return json.dumps(
        {
            "problem_id": record.problem_id,
            "user_id": record.user_id,
            "created_at": record.created_at,
            "prompt": record.prompt,
            "request_id": record.request_id,
            "problem": record.problem.model_dump(),
            "verification": record.verification_data,
            "reference_solution": record.reference_solution,
        },
        ensure_ascii=False,
    )


def _decode(encoded: str) -> ProblemRecord:
    # Rows written before verification existed lack both keys: they read back as None.
    data = json.loads(encoded)
    return ProblemRecord(
        **{
            **data,
            "problem": GeneratedProblem.model_validate(data["problem"]),
            "verification": stored_verification(data.get("verification")),
        }
    )
