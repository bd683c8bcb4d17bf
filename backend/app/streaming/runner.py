"""Runner: a producer greenlet per run, decoupled from any HTTP connection (DESIGN 4.2.1).

The producer appends the events of `produce()` to the run log and wakes local
subscribers. A watcher greenlet renews the run's lease and polls the store for a cancel
mark every CANCEL_POLL_SECONDS; on cancel it kills the producer, which unwinds the model
stream (closing the upstream HTTP request) wherever it is blocked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import gevent
from gevent.event import Event

from backend.app.streaming.store import RunLogFull, SqliteStreamStore

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 0.25


class RunCancelled(BaseException):
    """Raised inside a producer whose run was cancelled.

    A BaseException, like GreenletExit, so `except Exception` in tools never swallows it.
    """


@dataclass
class RunResult:
    """How a run ended, handed to its on_done callback."""

    run_id: str
    outcome: str  # completed | cancelled | failed | aborted
    events: list[dict] = field(default_factory=list)
    terminal: dict | None = None
    started_at: float = 0.0
    first_event_at: dict[str, float] = field(default_factory=dict)


class Runner:
    """Starts producers and lets local subscribers wait for their events."""

    def __init__(self, store: SqliteStreamStore, *, lease_seconds: float) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self._wakeups: dict[str, Event] = {}  # runs produced in this process only

    def start(
        self,
        run_id: str,
        produce: Callable[[], Iterator[dict]],
        on_done: Callable[[RunResult], None],
        *,
        on_lease: Callable[[], None] | None = None,
    ) -> gevent.Greenlet:
        """Run `produce()` in a new greenlet; its events go to the run log as they come."""
        self._wakeups[run_id] = Event()
        producer = gevent.spawn(self._produce, run_id, produce, on_done)
        gevent.spawn(self._watch, run_id, producer, on_lease)
        return producer

    def wait(self, run_id: str, after_seq: int, timeout: float) -> list[tuple[int, dict]]:
        """Events after `after_seq`, waiting up to `timeout` seconds for at least one."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.store.read(run_id, after_seq)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            wakeup = self._wakeups.get(run_id)
            if wakeup is not None:
                wakeup.wait(min(remaining, 1.0))
            else:
                gevent.sleep(min(remaining, 0.05))  # produced by another worker: poll

    def _notify(self, run_id: str) -> None:
        wakeup = self._wakeups.get(run_id)
        if wakeup is not None:
            wakeup.set()
            wakeup.clear()

    def _produce(self, run_id, produce, on_done) -> None:
        result = RunResult(run_id, "failed", started_at=time.monotonic())
        try:
            for event in produce():
                terminal = event.get("type") in ("stream_complete", "stream_error")
                if self.store.append(run_id, event, terminal=terminal) is None:
                    break  # finished elsewhere (reaped); nothing more to add
                result.events.append(event)
                result.first_event_at.setdefault(event.get("type", ""), time.monotonic())
                self._notify(run_id)
                if terminal:
                    result.terminal = event
                    result.outcome = "completed" if event["type"] == "stream_complete" else "failed"
                    break
            else:
                raise RuntimeError("the producer ended without a terminal event")
        except (RunCancelled, gevent.GreenletExit) as stop:
            cancelled = isinstance(stop, RunCancelled)
            code, message = (
                ("CANCELLED", "The lesson was stopped.")
                if cancelled
                else ("RUN_ABORTED", "The server stopped this run.")
            )
            result.outcome = "cancelled" if cancelled else "aborted"
            result.terminal = self._finish(run_id, code, message)
        except RunLogFull:
            result.terminal = self._finish(run_id, "GENERATION_FAILED", "The run grew too long.")
        except Exception:
            log.exception("Stream producer failed")
            result.terminal = self._finish(run_id, "GENERATION_FAILED", "Generation failed.")
        finally:
            self._notify(run_id)
            self._wakeups.pop(run_id, None)
        try:
            on_done(result)
        except Exception:
            log.exception("A run's completion handler failed")

    def _finish(self, run_id: str, code: str, message: str) -> dict:
        terminal = {"type": "stream_error", "code": code, "message": message}
        self.store.append(run_id, terminal, terminal=True)
        return terminal

    def _watch(self, run_id: str, producer: gevent.Greenlet, on_lease) -> None:
        renew_every = self.lease_seconds / 3
        last_renewal = time.monotonic()
        while not producer.dead:
            producer.join(timeout=CANCEL_POLL_SECONDS)
            if producer.dead:
                return
            try:
                if time.monotonic() - last_renewal >= renew_every:
                    self.store.renew_lease(run_id, self.lease_seconds)
                    if on_lease:
                        on_lease()
                    last_renewal = time.monotonic()
                info = self.store.run_info(run_id)
            except Exception:
                log.exception("Could not check the run's lease and cancel mark")
                continue
            # Only while it still produces: once the terminal is written, on_done must run whole.
            if info is not None and info.cancel_requested and run_id in self._wakeups:
                producer.kill(RunCancelled(), block=False)
                return
