"""One reader per process for the runs other workers (or hosts) produce (DESIGN 4.4).

Each subscriber of a run produced elsewhere used to poll the store on its own every 50 ms:
fifty resumes of one run cost a thousand reads a second. Now the subscribers of a process
register here; one greenlet reads the new events of every watched run in one read
(`RunLog.read_many`: one XREAD on Redis that blocks until any run has news, one query per
poll on SQLite), keeps a short tail of each run in memory and wakes that run's
subscribers, who take their events from the tail. The same greenlet renews the leases
of this process's subscriptions (STREAM_MAX_SUBSCRIBERS_PER_RUN).

A subscriber that joins while the reader is in the middle of a read, or that is behind
the tail, reads the store itself until the reader has caught up with it.

Runs with subscribers that asked for previews (DESIGN 4.2.3) have the record of the block
being written read too, for all of them in one read per preview interval, by a second
greenlet (an XREAD that blocks must not hold previews back).
"""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import gevent
from gevent.event import Event

from backend.app.streaming.events import is_terminal
from backend.app.streaming.outage_log import OutageLog
from backend.app.streaming.protocols import StreamStore

log = logging.getLogger(__name__)

# Longest a read waits for news before the reader looks again at what it watches.
READ_WAIT_SECONDS = 0.1
# How often a subscriber the reader does not follow yet polls on its own.
SELF_POLL_SECONDS = 0.02
# Events kept per run: subscribers further behind read the store.
TAIL_EVENTS = 512
RETRY_SECONDS = 0.5


@dataclass
class WatchedRun:
    """A run with subscribers in this process: its tail and who to wake."""

    subscribers: int = 0
    cursor: int = 0  # the last seq the reader has fetched
    base: int = 0  # the tail holds the events after this seq
    events: list[tuple[int, dict]] = field(default_factory=list)
    in_feed: bool = False  # a read that started after it joined has come back
    finished: bool = False
    preview_subscribers: int = 0
    preview: dict | None = None  # the store's record of the block being written
    wakeup: Event = field(default_factory=Event)

    def after(self, seq: int) -> list[tuple[int, dict]] | None:
        """The tail's events after `seq`, or None when the tail cannot tell."""
        if not self.in_feed or seq < self.base:
            return None
        start = bisect.bisect_right(self.events, seq, key=lambda item: item[0])
        return self.events[start:]


class LiveReader:
    """Follows every run this process's subscribers watch, with one greenlet."""

    def __init__(
        self,
        store: StreamStore,
        *,
        is_local: Callable[[str], bool],
        subscription_ttl: float = 15.0,
        preview_interval: float = 0.05,
    ) -> None:
        self.store = store
        self._is_local = is_local
        self.subscription_ttl = subscription_ttl
        # Runs watched by this process's subscribers (in-process bookkeeping only).
        self._runs: dict[str, WatchedRun] = {}
        self.preview_interval = preview_interval
        self._greenlet: gevent.Greenlet | None = None
        self._preview_greenlet: gevent.Greenlet | None = None
        self._outage = OutageLog(log, "Reading the stream store for live subscribers")
        self._preview_outage = OutageLog(log, "Reading block previews for live subscribers")

    def join(self, run_id: str, after_seq: int, previews: bool = False) -> None:
        """Register one subscriber of `run_id`, which has seen up to `after_seq`."""
        run = self._runs.get(run_id)
        if run is None:
            run = self._runs[run_id] = WatchedRun(cursor=after_seq, base=after_seq)
        run.subscribers += 1
        if self._greenlet is None or self._greenlet.dead:
            self._greenlet = gevent.spawn(self._follow)
        if previews:
            run.preview_subscribers += 1
            if self._preview_greenlet is None or self._preview_greenlet.dead:
                self._preview_greenlet = gevent.spawn(self._follow_previews)

    def leave(self, run_id: str, previews: bool = False) -> None:
        """Unregister one subscriber; the run is forgotten with its last one."""
        run = self._runs.get(run_id)
        if run is not None:
            run.subscribers -= 1
            run.preview_subscribers -= previews
            if run.subscribers <= 0:
                del self._runs[run_id]

    def preview(self, run_id: str) -> dict | None:
        """The last record read of the block `run_id` is writing (None before the first)."""
        run = self._runs.get(run_id)
        return run.preview if run is not None else None

    def wait(self, run_id: str, after_seq: int, timeout: float) -> list[tuple[int, dict]]:
        """Events after `after_seq` of a run produced elsewhere, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            run = self._runs.get(run_id)
            events = run.after(after_seq) if run is not None else None
            if events is None:  # not followed yet, or behind the tail: read it here
                events = self.store.read(run_id, after_seq)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            if run is not None and run.in_feed:
                run.wakeup.wait(min(remaining, 1.0))
            else:
                gevent.sleep(min(remaining, SELF_POLL_SECONDS))

    def _follow(self) -> None:
        """While anything is watched: read news for all, wake, check leases."""
        next_renewal = time.monotonic()
        while self._runs:
            try:
                self._read_once()
                gevent.sleep(0)  # a read that came back at once must not starve the others
                now = time.monotonic()
                if now >= next_renewal:
                    next_renewal = now + self.subscription_ttl / 3
                    self.store.renew_subscriptions(self.subscription_ttl)
                self._outage.succeeded()
            except Exception:
                self._outage.failed()
                gevent.sleep(RETRY_SECONDS)

    def _follow_previews(self) -> None:
        """While any subscriber wants previews: read the records of their runs, batched."""
        while True:
            wanted = [
                run_id
                for run_id, run in self._runs.items()
                if run.preview_subscribers > 0 and not run.finished and not self._is_local(run_id)
            ]
            if not wanted and not any(run.preview_subscribers for run in self._runs.values()):
                return
            if wanted:
                try:
                    records = self.store.current_blocks(wanted)
                    self._preview_outage.succeeded()
                except Exception:  # previews are volatile: try again next interval
                    self._preview_outage.failed()
                    records = None
                for run_id in wanted if records is not None else ():
                    run = self._runs.get(run_id)
                    if run is not None:
                        run.preview = records.get(run_id)
            gevent.sleep(self.preview_interval)

    def _read_once(self) -> None:
        followed = {
            run_id: run
            for run_id, run in self._runs.items()
            if not run.finished and not self._is_local(run_id)
        }
        if not followed:
            gevent.sleep(READ_WAIT_SECONDS)
            return
        cursors = {run_id: run.cursor for run_id, run in followed.items()}
        found = self.store.read_many(cursors, READ_WAIT_SECONDS)
        for run_id, run in followed.items():
            events = found.get(run_id)
            run.in_feed = True
            if not events:
                continue
            run.events.extend(events)
            run.cursor = events[-1][0]
            run.finished = is_terminal(events[-1][1])
            if len(run.events) > TAIL_EVENTS:
                del run.events[: len(run.events) - TAIL_EVENTS]
                run.base = run.events[0][0] - 1
            run.wakeup.set()
            run.wakeup.clear()
