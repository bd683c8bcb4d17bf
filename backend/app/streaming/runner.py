"""Runner: a producer greenlet per run, decoupled from any HTTP connection (DESIGN 4.2.1).

The producer numbers the events of `produce()`; they are written to the shared run log
(the events of all of this process's runs that one loop turn produced, in one
transaction) before anyone sees them, so a resume never misses an event even if this
worker dies, and kept in memory for the subscribers in its own process, which are woken
at once and read no store per event. A watcher greenlet renews the run's lease and
polls the store for a cancel mark every CANCEL_POLL_SECONDS; on cancel it kills the
producer, which unwinds the model stream (closing the upstream HTTP request) wherever it
is blocked. A run that passes its deadline is stopped the same way; text events that a
producer marks as mergeable are merged per loop turn (text_events.py).
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import time
from collections.abc import Callable, Iterator

import gevent
from gevent.lock import Semaphore

from backend.app.streaming.deadline import RunDeadlineExceeded, deadline_timer
from backend.app.streaming.events import STREAM_COMPLETE, is_terminal, stream_error
from backend.app.streaming.idle import wait_for_idle_loop
from backend.app.streaming.runs import LeaseHook, LocalRun, RunCancelled, RunResult
from backend.app.streaming.store import RunLogFull, SqliteStreamStore
from backend.app.streaming.text_events import HeldText, MergeableText

__all__ = ["LeaseHook", "RunCancelled", "RunResult", "Runner"]

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 0.25
# A run's end work (saving the lesson, its log line and metrics) costs milliseconds of CPU
# that never yields. When many runs end at once (a class starting together), doing it
# all back to back held every other stream's events for hundreds of milliseconds. So
# runs end one at a time per process, each when the event loop is next idle (the
# subscribers just woken, of this run and of every other, write their events first), or
# after IDLE_WAIT_MAX_SECONDS at most when the loop never idles.


class Runner:
    """Starts producers and lets local subscribers wait for their events."""

    def __init__(
        self,
        store: SqliteStreamStore,
        *,
        lease_seconds: float,
        deadline_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.deadline_seconds = deadline_seconds
        # Runs produced in this process only (in-process coordination, never shared state).
        self._local: dict[str, LocalRun] = {}
        self._end_work = Semaphore(1)
        self._watcher: gevent.Greenlet | None = None
        # Events produced but not stored yet, of all local runs, and the greenlet that
        # will store them (one transaction per loop turn, see _flush).
        self._pending: list[tuple[str, int, dict]] = []
        self._flusher: gevent.Greenlet | None = None
        self._holding: set[str] = set()  # runs with held text

    def is_local(self, run_id: str) -> bool:
        """True while this process is producing the run (its lease is alive by definition)."""
        return run_id in self._local

    def start(
        self,
        run_id: str,
        produce: Callable[[], Iterator[dict]],
        on_done: Callable[[RunResult], None],
        *,
        lease_hook: LeaseHook | None = None,
    ) -> gevent.Greenlet:
        """Run `produce()` in a new greenlet; its events go to the run log as they come."""
        deadline_at = None
        if self.deadline_seconds is not None:
            deadline_at = time.monotonic() + self.deadline_seconds
        local = LocalRun(lease_hook, HeldText(self.store.max_events, deadline_at))
        self._local[run_id] = local
        local.producer = gevent.spawn(self._produce, run_id, produce, on_done)
        if self._watcher is None or self._watcher.dead:
            self._watcher = gevent.spawn(self._watch)
        return local.producer

    def _renew_if_due(self, run_id: str) -> None:
        """Renew this run's lease from its producer, if the watcher has fallen behind.

        The watcher renews every run a third through its lease, all in one go. A hub busy
        with many streams can starve the watcher's timer, and a lapsed lease would make
        other workers abort a healthy run, so the producer renews its own run too, but
        only two thirds through: runs started together come due together, and each
        producer renewing alone cost a few statements per run all in the same moment.
        """
        local = self._local.get(run_id)
        if local is not None:
            self._renew([(run_id, local)], due_after=self.lease_seconds * 2 / 3)

    def _renew(self, runs: list[tuple[str, LocalRun]], *, due_after: float | None = None) -> None:
        """Renew the leases of those runs `due_after` seconds (default a third of the lease)
        since their last renewal, in one statement, and their lease hooks in one call per
        hook function."""
        now = time.monotonic()
        due_after = self.lease_seconds / 3 if due_after is None else due_after
        due = [(run_id, local) for run_id, local in runs if now - local.renewed_at >= due_after]
        if not due:
            return
        self.store.renew_leases([run_id for run_id, _ in due], self.lease_seconds)
        hooked: dict[Callable[[list[str]], None], list[str]] = {}
        for _, local in due:
            local.renewed_at = now
            if local.lease_hook:
                hooked.setdefault(local.lease_hook.renew, []).append(local.lease_hook.key)
        for renew, keys in hooked.items():
            renew(keys)

    def wait(self, run_id: str, after_seq: int, timeout: float) -> list[tuple[int, dict]]:
        """Events after `after_seq`, waiting up to `timeout` seconds for at least one."""
        deadline = time.monotonic() + timeout
        while True:
            events = self._read(run_id, after_seq)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            local = self._local.get(run_id)
            if local is not None:
                local.wakeup.wait(min(remaining, 1.0))
            else:
                gevent.sleep(min(remaining, 0.05))  # produced by another worker: poll

    def _read(self, run_id: str, after_seq: int) -> list[tuple[int, dict]]:
        """From memory while this process produces the run, else from the store."""
        local = self._local.get(run_id)
        if local is None:
            return self.store.read(run_id, after_seq)
        start = bisect.bisect_right(local.events, after_seq, key=lambda item: item[0])
        return local.events[start:]

    def _append(self, run_id: str, event: dict) -> bool:
        """Queue the run's next event for the log; False if the run was finished elsewhere.

        Nobody sees the event until _flush has stored it, so a resume never misses an
        event even if this worker dies.
        """
        local = self._local[run_id]
        if local.finished_elsewhere:
            return False
        if local.write_error is not None:
            raise local.write_error
        if isinstance(event, MergeableText):
            other = local.texts.hold(event)  # queued at the end of the loop turn (_flush)
            if other is not None:
                self._queue(run_id, local, other)
            self._holding.add(run_id)
        else:
            self._queue_held(run_id, local, force=True)  # text that came first goes first
            self._queue(run_id, local, event)
        self._schedule_flush()
        return True

    def _queue(self, run_id: str, local: LocalRun, event: dict) -> None:
        """Number the event and queue it for the next flush."""
        seq = local.next_seq
        if seq >= self.store.max_events:
            raise RunLogFull(run_id)
        local.next_seq += 1
        self._pending.append((run_id, seq, event))

    def _queue_held(self, run_id: str, local: LocalRun, *, force: bool = False) -> None:
        """Queue the run's held text if it may go out now, else have a timer bring it."""
        text = local.texts.take(local.next_seq, force=force)
        if text is not None:
            self._queue(run_id, local, text)
        if local.texts.event is None:
            self._holding.discard(run_id)
        elif local.release_timer is None:
            wait = local.texts.wait_seconds()
            local.release_timer = gevent.spawn_later(wait, self._release_due, run_id)

    def _release_due(self, run_id: str) -> None:
        local = self._local.get(run_id)
        if local is not None:
            local.release_timer = None
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flusher is None:
            self._flusher = gevent.spawn(self._flush)

    def _flush(self) -> None:
        """Store every queued event of every local run in one transaction, then show them.

        The flusher runs when the producers next wait (for the model, or every few pieces
        of a backlog), so the events of all the streams that a loop turn woke are written
        together: one insert per event was the largest cost of a busy worker.
        """
        self._flusher = None
        for run_id in list(self._holding):  # the loop turn is over: its text goes out
            local = self._local.get(run_id)
            if local is None:
                self._holding.discard(run_id)
                continue
            try:
                self._queue_held(run_id, local)
            except RunLogFull as full:
                self._holding.discard(run_id)
                local.write_error = full  # the producer's next event ends the run
        pending, self._pending = self._pending, []
        if not pending:
            return
        run_ids = {run_id for run_id, _, _ in pending}
        error: Exception | None = None
        try:
            refused = self.store.append_batch(pending)
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

    def _produce(self, run_id, produce, on_done) -> None:
        """Append events as they come; finish with exactly one terminal event.

        The completion handler runs before the terminal event is written, so a client
        that sees `stream_complete` finds the lesson already saved.
        """
        result = RunResult(run_id, "failed", started_at=time.monotonic())
        try:
            terminal = None
            with self._deadline_timer():  # raises RunDeadlineExceeded wherever it waits
                for event in produce():
                    if is_terminal(event):
                        terminal = event
                        break
                    if not self._append(run_id, event):
                        return  # finished elsewhere (reaped); nothing more to add
                    result.events.append(event)
                    result.first_event_at.setdefault(event.get("type", ""), time.monotonic())
                    # No yield here: the event is stored and shown when the producer next
                    # waits for the model (at once when none is buffered; text_stream
                    # yields every few pieces of a backlog) or for its turn to end the
                    # run. A yield per event cost a loop round trip per token.
                    self._renew_if_due(run_id)
                else:
                    raise RuntimeError("the producer ended without a terminal event")
            outcome = "completed" if terminal["type"] == STREAM_COMPLETE else "failed"
            self._conclude(result, outcome, terminal, on_done)
        except RunDeadlineExceeded as passed:
            self._conclude(
                result, "failed", stream_error("GENERATION_FAILED", str(passed)), on_done
            )
        except RunCancelled:
            self._conclude(
                result, "cancelled", stream_error("CANCELLED", "The run was stopped."), on_done
            )
        except gevent.GreenletExit:
            self._conclude(
                result,
                "aborted",
                stream_error("RUN_ABORTED", "The server stopped this run."),
                on_done,
            )
        except RunLogFull:
            self._conclude(
                result,
                "failed",
                stream_error("GENERATION_FAILED", "The run grew too long."),
                on_done,
            )
        except Exception:
            log.exception("Stream producer failed")
            self._conclude(
                result, "failed", stream_error("GENERATION_FAILED", "Generation failed."), on_done
            )
        finally:
            # From here on local subscribers read the store, which has every event.
            local = self._local.pop(run_id)
            self._holding.discard(run_id)
            if local.release_timer is not None:
                local.release_timer.kill(block=False)
            local.wakeup.set()
            local.wakeup.clear()

    def _deadline_timer(self) -> contextlib.AbstractContextManager:
        """The run's deadline, if the runner has one, as a timer in the producer's greenlet."""
        if self.deadline_seconds is None:
            return contextlib.nullcontext()
        return deadline_timer(self.deadline_seconds)

    def _conclude(self, result: RunResult, outcome: str, terminal: dict, on_done) -> None:
        """Run the completion handler, then write the terminal event (one run at a time)."""
        if result.terminal is not None:
            # A kill (the worker stopping) interrupted the completion handler: end the log.
            self.store.append(result.run_id, terminal, terminal=True)
            return
        local = self._local[result.run_id]
        local.producing = False  # a cancel must not interrupt on_done
        with contextlib.suppress(RunLogFull):  # a run that filled its log ends anyway
            self._queue_held(result.run_id, local, force=True)
        self._flush()  # the run's events go before its terminal event
        result.outcome, result.terminal = outcome, terminal
        acquired = False
        with contextlib.suppress(gevent.GreenletExit):  # the worker is stopping: end it now
            acquired = self._end_work.acquire()
            wait_for_idle_loop()
        try:
            on_done(result)
        except Exception:
            log.exception("A run's completion handler failed")
        finally:
            if acquired:
                self._end_work.release()
        self.store.append(result.run_id, terminal, terminal=True)

    def _watch(self) -> None:
        """One greenlet per process while it has runs: leases and cancel marks, for all.

        Every CANCEL_POLL_SECONDS it renews the leases that are due and reads which
        running runs are marked for cancellation (by any worker), each in one statement,
        and stops its own marked producers. A watcher per run cost a query per run four
        times a second: a few percent of a busy worker.
        """
        while self._local:
            gevent.sleep(CANCEL_POLL_SECONDS)
            try:
                self._renew(list(self._local.items()))
                marked = self.store.cancel_marked_runs()
            except Exception:
                log.exception("Could not renew the runs' leases or read their cancel marks")
                continue
            for run_id in marked:
                local = self._local.get(run_id)
                # Only while it still produces: once concluding, on_done must run whole.
                if local is not None and local.producing and local.producer is not None:
                    local.producing = False  # stopped once; it concludes as cancelled
                    local.producer.kill(RunCancelled(), block=False)
