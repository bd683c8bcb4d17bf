"""ProblemStore: the repository, with the outbox catching what the store could not take."""

from __future__ import annotations

import logging
import threading

from backend.app.storage.problems.errors import StoreUnavailable
from backend.app.storage.problems.outbox import ProblemOutbox
from backend.app.storage.problems.record import ProblemRecord
from backend.app.storage.problems.repository import ProblemRepository

log = logging.getLogger(__name__)


class ProblemStore:
    """What routes and the generator use: save, read, list, and retry waiting saves."""

    def __init__(self, repository: ProblemRepository, outbox: ProblemOutbox) -> None:
        self.repository = repository
        self.outbox = outbox
        self._drain_interval = 0.0
        self._drain_thread: threading.Thread | None = None
        self._drain_lock = threading.Lock()
        self._stopping = threading.Event()

    def save(self, record: ProblemRecord) -> bool:
        """True when stored; False when the store was unavailable and the outbox keeps it.

        An outage (StoreUnavailable) is the outbox's to retry. A refusal passes through:
        ProblemRejected (the store refused the record itself, e.g. an item over 400 KB) and
        ProblemConflict (the id is taken by another request); retrying cannot fix them, so
        the caller must not hand out the id.
        """
        try:
            self.repository.save(record)
            return True
        except StoreUnavailable as exc:
            log.warning("Problem %s waits in the outbox: %s", record.problem_id, exc)
        self.outbox.put(record)
        self._ensure_drain_thread()
        return False

    def get(self, problem_id: str, user_id: str) -> dict | None:
        """The problem in the API's read shape, or None (missing or not the user's)."""
        try:
            record = self.repository.get(problem_id, user_id)
        except StoreUnavailable:
            waiting = self.outbox.get(problem_id, user_id)
            if waiting is None:
                raise
            return waiting.to_api(persisted=False)
        if record is not None:
            return record.to_api(persisted=True)
        waiting = self.outbox.get(problem_id, user_id)
        return waiting.to_api(persisted=False) if waiting is not None else None

    def list_for_user(self, user_id: str, limit: int, cursor: str | None) -> dict:
        """`{"items", "next_cursor"}`, newest first; the first page adds waiting problems."""
        try:
            records, next_cursor = self.repository.list_for_user(user_id, limit, cursor)
        except StoreUnavailable:
            if cursor is not None:
                raise
            # The store is down: what this host still holds is better than an error.
            records, next_cursor = [], None
        items = [(record, True) for record in records]
        if cursor is None:
            # Waiting problems are recent, so they belong to the first page; the page may
            # then hold more than `limit` items until the outbox drains.
            stored = {record.problem_id for record in records}
            waiting = self.outbox.pending_for_user(user_id)
            items += [(record, False) for record in waiting if record.problem_id not in stored]
            items.sort(key=lambda pair: pair[0].sort_key(), reverse=True)
        return {
            "items": [record.to_list_item(persisted=persisted) for record, persisted in items],
            "next_cursor": next_cursor,
        }

    def drain_outbox(self) -> int:
        """Save what is due in the outbox now; returns how many were saved."""
        return self.outbox.drain(self.repository)

    def start_background_drain(self, interval_seconds: float) -> None:
        """Retry waiting saves every `interval_seconds` (0 disables) while any are waiting.

        The thread runs only while the outbox holds something, and starts again with the
        next save that lands there, so an idle process keeps no thread busy.
        """
        self._drain_interval = interval_seconds
        if interval_seconds > 0 and self.outbox.count():
            self._ensure_drain_thread()

    def stop_background_drain(self, timeout: float = 5.0) -> None:
        """Stop the drain thread (tests, shutdown)."""
        self._stopping.set()
        thread = self._drain_thread
        if thread is not None:
            thread.join(timeout)

    def _ensure_drain_thread(self) -> None:
        if self._drain_interval <= 0 or self._stopping.is_set():
            return
        with self._drain_lock:
            if self._drain_thread is not None and self._drain_thread.is_alive():
                return
            self._drain_thread = threading.Thread(
                target=self._drain_loop, name="problem-outbox-drain", daemon=True
            )
            self._drain_thread.start()

    def _drain_loop(self) -> None:
        # Under gunicorn's gevent worker this "thread" is a greenlet; either is fine, since
        # each pass is short SQLite calls plus cooperative network I/O.
        while not self._stopping.wait(self._drain_interval):
            try:
                self.drain_outbox()
            except Exception:
                log.exception("A pass over the problem outbox failed; the next one retries")
            with self._drain_lock:
                try:
                    if self.outbox.count() == 0:
                        # Exit under the lock: a save that adds a row after this sees no
                        # live thread and starts a new one.
                        self._drain_thread = None
                        return
                except Exception:
                    log.exception("Could not read the problem outbox; the next pass retries")
