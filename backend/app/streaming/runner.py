"""Runner: a producer greenlet per run, decoupled from any HTTP connection (DESIGN 4.2.1).

The producer numbers the events of `produce()`; the batched writer (batch_writer.py)
stores them in the shared run log (the events of all of this process's runs that one
loop turn produced, in one transaction) before anyone sees them, so a resume never
misses an event even if this worker dies, and keeps them in memory for the subscribers
in its own process, which are woken at once and read no store per event. The watcher
(watcher.py) renews the runs' leases and reads cancel marks every CANCEL_POLL_SECONDS;
on cancel it kills the producer, which unwinds the model stream (closing the upstream
HTTP request) wherever it is blocked. A run that passes its deadline is stopped the same
way. The runner knows the store only by its Protocols (protocols.py).

Runs produced elsewhere are followed by the one LiveReader (live_reader.py); lapsed runs
go to takeovers.py, which continues them with `start(next_seq=...)`; `hand_over` stops.
A producer's `Preview` is kept in memory and published (preview_publisher.py), never logged.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import gevent
from gevent.lock import Semaphore

from backend.app.streaming.batch_writer import BatchWriter
from backend.app.streaming.deadline import deadline_timer
from backend.app.streaming.events import STREAM_COMPLETE, is_terminal
from backend.app.streaming.idle import wait_for_idle_loop
from backend.app.streaming.live_reader import LiveReader
from backend.app.streaming.preview_publisher import PreviewPublisher
from backend.app.streaming.previews import Preview
from backend.app.streaming.protocols import StreamStore
from backend.app.streaming.records import RunLogFull
from backend.app.streaming.run_endings import STOPPERS, ending_of
from backend.app.streaming.runs import HandOver, LeaseHook, LocalRun, RunCancelled, RunResult
from backend.app.streaming.takeovers import Takeovers
from backend.app.streaming.text_events import HeldText
from backend.app.streaming.watcher import Watcher

__all__ = ["LeaseHook", "RunCancelled", "RunResult", "Runner"]

log = logging.getLogger(__name__)

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
        store: StreamStore,
        *,
        lease_seconds: float,
        deadline_seconds: float | None = None,
        preview_interval: float = 0.05,
    ) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.deadline_seconds = deadline_seconds
        # Runs produced in this process only (in-process coordination, never shared state).
        self._local: dict[str, LocalRun] = {}
        self._end_work = Semaphore(1)
        self._writer = BatchWriter(store, self._local)
        self._watcher = Watcher(store, store, self._local, lease_seconds)
        self.takeovers = Takeovers(store, self.is_local)
        self.reader = LiveReader(
            store, is_local=self.is_local, subscription_ttl=lease_seconds,
            preview_interval=preview_interval,
        )  # fmt: skip
        self.previews = PreviewPublisher(store, self._local, preview_interval, lease_seconds)

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
        next_seq: int = 1,
    ) -> gevent.Greenlet:
        """Run `produce()` in a new greenlet; its events go to the run log as they come.

        `next_seq` > 1 continues a run another worker started (a takeover): its events
        are numbered after those already in the log.
        """
        deadline_at = None
        if self.deadline_seconds is not None:
            deadline_at = time.monotonic() + self.deadline_seconds
        local = LocalRun(lease_hook, HeldText(self.store.max_events, deadline_at))
        local.next_seq, local.base_seq = next_seq, next_seq - 1
        self._local[run_id] = local
        local.producer = gevent.spawn(self._produce, run_id, produce, on_done)
        self._watcher.ensure_running()
        self.takeovers.ensure_sweeping()
        return local.producer

    def hand_over(self) -> list[str]:
        """Stop producing every local run without ending it, for another worker to continue.

        For a worker that is stopping (SIGTERM): each producer stores what it has, lets
        its lease lapse at once and exits, so a takeover starts within moments instead
        of after the lease.
        """
        self.takeovers.stopping = True
        handed = []
        for run_id, local in list(self._local.items()):
            if local.producing and local.producer is not None:
                local.producing = False
                local.producer.kill(HandOver(), block=False)
                handed.append(run_id)
        return handed

    @contextmanager
    def watching(self, run_id: str, after_seq: int, previews: bool = False) -> Iterator[None]:
        """Follow the run for one subscriber (through the process's one live reader)."""
        self.reader.join(run_id, after_seq, previews)
        self.takeovers.ensure_sweeping()
        try:
            yield
        finally:
            self.reader.leave(run_id, previews)

    def current_preview(self, run_id: str) -> dict | None:
        """The record of the block the run is writing (from memory, or the store's copy)."""
        local = self._local.get(run_id)
        if local is None:
            return self.reader.preview(run_id)
        return local.preview.record() if local.preview is not None else None

    def wait(self, run_id: str, after_seq: int, timeout: float) -> list[tuple[int, dict]]:
        """Events after `after_seq`, waiting up to `timeout` seconds for at least one."""
        deadline = time.monotonic() + timeout
        while True:
            local = self._local.get(run_id)
            remaining = deadline - time.monotonic()
            if local is None:  # produced by another worker or host, or ended
                return self.reader.wait(run_id, after_seq, max(0.0, remaining))
            events = self._read_local(run_id, local, after_seq)
            if events or remaining <= 0:
                return events
            local.wakeup.wait(min(remaining, 1.0))

    def _read_local(self, run_id: str, local: LocalRun, after_seq: int) -> list[tuple[int, dict]]:
        """From memory while this process produces the run (the store for what came before)."""
        if after_seq < local.base_seq:
            return self.store.read(run_id, after_seq)
        start = bisect.bisect_right(local.events, after_seq, key=lambda item: item[0])
        return local.events[start:]

    def _produce(self, run_id, produce, on_done) -> None:
        """Append events as they come; finish with exactly one terminal event.

        The completion handler runs before the terminal event is written, so a client
        that sees `stream_complete` finds the lesson already saved.
        """
        result = RunResult(run_id, "failed", started_at=time.monotonic())
        try:
            with self._deadline_timer():  # raises RunDeadlineExceeded wherever it waits
                terminal = self._pump(run_id, produce(), result)
            if terminal is not None:
                outcome = "completed" if terminal["type"] == STREAM_COMPLETE else "failed"
                self._conclude(result, outcome, terminal, on_done)
        except HandOver:
            self._let_lease_lapse(run_id)
        except (*STOPPERS, Exception) as error:
            if not isinstance(error, STOPPERS):
                log.exception("Stream producer failed")
            self._conclude(result, *ending_of(error), on_done)
        finally:
            # From here on local subscribers read the store, which has every event.
            local = self._local.pop(run_id)
            self._writer.forget(run_id, local)
            local.wakeup.set()
            local.wakeup.clear()

    def _pump(self, run_id: str, events: Iterator, result: RunResult) -> dict | None:
        """Store the producer's events until its terminal one (None: finished elsewhere)."""
        local = self._local[run_id]
        for event in events:
            if isinstance(event, Preview):  # the block being written: kept, never logged
                local.preview = event
                self.previews.ensure_running()
                continue
            if is_terminal(event):
                return event
            if not self._writer.append(run_id, event):
                return None  # finished elsewhere (reaped); nothing more to add
            result.events.append(event)
            result.first_event_at.setdefault(event.get("type", ""), time.monotonic())
            # No yield here: the event is stored and shown when the producer next waits
            # for the model (at once when none is buffered; text_stream yields every few
            # pieces of a backlog) or for its turn to end the run. A yield per event
            # cost a loop round trip per token.
            self._watcher.renew_if_due(run_id)
        raise RuntimeError("the producer ended without a terminal event")

    def _let_lease_lapse(self, run_id: str) -> None:
        """Store what a handed-over run produced, then end its lease now (no terminal)."""
        local = self._local[run_id]
        with contextlib.suppress(RunLogFull):
            self._writer.queue_held(run_id, local, force=True)
        self._writer.flush()
        self.store.renew_leases([run_id], -self.lease_seconds)
        log.info("Handed run %s over (the worker is stopping)", run_id[:12])

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
            self._writer.queue_held(result.run_id, local, force=True)
        self._writer.flush()  # the run's events go before its terminal event
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
