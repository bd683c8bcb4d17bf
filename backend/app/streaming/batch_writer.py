"""The runner's batched writer: the events of every local run, stored once per loop turn.

A producer's events are numbered and queued here; a flusher greenlet stores the whole
queue, of all of this process's runs, in one transaction when the producers next wait,
and only then shows the events to local subscribers, so a resume never misses an event
even if this worker dies. Text events a producer marks as mergeable are held and merged
per loop turn (text_events.py).
"""

from __future__ import annotations

import logging

import gevent
from gevent.lock import Semaphore

from backend.app.streaming.protocols import RunLog
from backend.app.streaming.records import RunLogFull
from backend.app.streaming.runs import LocalRun
from backend.app.streaming.text_events import MergeableText

# The runner's logger: its lines kept their name when the runner was split by job.
log = logging.getLogger("backend.app.streaming.runner")


class BatchWriter:
    """Queues numbered events of local runs and stores them in one transaction per turn."""

    def __init__(self, run_log: RunLog, local: dict[str, LocalRun]) -> None:
        self.run_log = run_log
        self._local = local  # the runner's own map of the runs this process produces
        # Events produced but not stored yet, of all local runs, and the greenlet that
        # will store them (one transaction per loop turn, see flush).
        self._pending: list[tuple[str, int, dict]] = []
        self._flusher: gevent.Greenlet | None = None
        self._holding: set[str] = set()  # runs with held text
        # One flush at a time: a store whose writes yield (Redis) would otherwise let a
        # later flush land first, numbering the log out of order (XADD then refuses the
        # earlier id) and showing local subscribers a later event before an earlier one.
        self._flushing = Semaphore(1)

    def append(self, run_id: str, event: dict) -> bool:
        """Queue the run's next event for the log; False if the run was finished elsewhere.

        Nobody sees the event until flush has stored it, so a resume never misses an
        event even if this worker dies.
        """
        local = self._local[run_id]
        if local.finished_elsewhere:
            return False
        if local.write_error is not None:
            raise local.write_error
        if isinstance(event, MergeableText):
            other = local.texts.hold(event)  # queued at the end of the loop turn (flush)
            if other is not None:
                self._queue(run_id, local, other)
            self._holding.add(run_id)
        else:
            self.queue_held(run_id, local, force=True)  # text that came first goes first
            self._queue(run_id, local, event)
        self._schedule_flush()
        return True

    def _queue(self, run_id: str, local: LocalRun, event: dict) -> None:
        """Number the event and queue it for the next flush."""
        seq = local.next_seq
        if seq >= self.run_log.max_events:
            raise RunLogFull(run_id)
        local.next_seq += 1
        self._pending.append((run_id, seq, event))

    def queue_held(self, run_id: str, local: LocalRun, *, force: bool = False) -> None:
        """Queue the run's held text if it may go out now, else have a timer bring it."""
        text = local.texts.take(local.next_seq, force=force)
        if text is not None:
            self._queue(run_id, local, text)
        if local.texts.event is None:
            self._holding.discard(run_id)
        elif local.release_timer is None:
            wait = local.texts.wait_seconds()
            local.release_timer = gevent.spawn_later(wait, self._release_due, run_id)

    def forget(self, run_id: str, local: LocalRun) -> None:
        """Drop what is held for a run that stopped producing."""
        self._holding.discard(run_id)
        if local.release_timer is not None:
            local.release_timer.kill(block=False)

    def _release_due(self, run_id: str) -> None:
        local = self._local.get(run_id)
        if local is not None:
            local.release_timer = None
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flusher is None:
            self._flusher = gevent.spawn(self.flush)

    def flush(self) -> None:
        """Store every queued event of every local run in one transaction, then show them.

        The flusher runs when the producers next wait (for the model, or every few pieces
        of a backlog), so the events of all the streams that a loop turn woke are written
        together: one insert per event was the largest cost of a busy worker.
        """
        self._flusher = None
        with self._flushing:
            self._flush_queued()

    def _flush_queued(self) -> None:
        """Store what is queued now, in order, and show it to local subscribers."""
        for run_id in list(self._holding):  # the loop turn is over: its text goes out
            local = self._local.get(run_id)
            if local is None:
                self._holding.discard(run_id)
                continue
            try:
                self.queue_held(run_id, local)
            except RunLogFull as full:
                self._holding.discard(run_id)
                local.write_error = full  # the producer's next event ends the run
        pending, self._pending = self._pending, []
        if not pending:
            return
        run_ids = {run_id for run_id, _, _ in pending}
        error: Exception | None = None
        try:
            refused = self.run_log.append_batch(pending)
        except Exception as failure:
            log.exception("Could not store the events of %d runs", len(run_ids))
            refused, error = run_ids, failure
        for run_id, seq, event in pending:
            local = self._local.get(run_id)
            if local is not None and run_id not in refused:
                local.events.append((seq, event))
        for run_id in run_ids:
            local = self._local.get(run_id)
            if local is None:
                continue
            if run_id in refused:
                local.finished_elsewhere = error is None
                local.write_error = error
            local.wakeup.set()
            local.wakeup.clear()
