"""Who continues a run whose producer is gone: the takeovers of one process (DESIGN 4.4).

Each kind of run (lessons, answers) registers how it is continued. A sweeper greenlet
looks for runs whose producer's lease lapsed, of every registered kind, once every
SWEEP_SECONDS (one indexed query or one sorted-set range per kind), and hands each to
its kind's takeover, which claims it (one winner per lapse, across workers and hosts)
and continues it here. So a lesson whose host died is continued within about
lease + SWEEP_SECONDS whether or not anyone is watching it, and a worker that stops
(SIGTERM) lets its leases lapse at once so another takes its runs over in moments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import gevent

from backend.app.streaming.outage_log import OutageLog
from backend.app.streaming.protocols import StreamStore

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0


class Takeovers:
    """The registered takeovers of each run kind, and the sweeper that calls them."""

    def __init__(self, store: StreamStore, is_local: Callable[[str], bool]) -> None:
        self.store = store
        self._is_local = is_local
        self._by_kind: dict[str, Callable[[str], None]] = {}  # run kind -> its takeover
        self._sweeper: gevent.Greenlet | None = None
        self.stopping = False  # the worker is stopping: it takes no run over
        self._outage = OutageLog(log, "Looking for lapsed runs")

    def register(self, kind: str, take_over: Callable[[str], None]) -> None:
        """Have `take_over(run_id)` continue the runs of `kind` whose producer is gone."""
        self._by_kind[kind] = take_over

    def ensure_sweeping(self) -> None:
        """Start the sweeper (lazily: in a serving worker, never in a forking parent)."""
        if self._by_kind and (self._sweeper is None or self._sweeper.dead):
            self._sweeper = gevent.spawn(self._sweep)

    def take_over_lapsed(self, run_id: str) -> bool:
        """Give a run whose lease lapsed to its kind's takeover; False when it has none."""
        if self.stopping or self._is_local(run_id):
            return True  # ours is alive (or about to be handed on): nothing to take
        info = self.store.run_info(run_id)
        take_over = self._by_kind.get(info.kind) if info is not None else None
        if take_over is None:
            return False
        take_over(run_id)
        return True

    def _sweep(self) -> None:
        """Every SWEEP_SECONDS: hand each lapsed run of a registered kind to its takeover."""
        while not self.stopping:
            gevent.sleep(SWEEP_SECONDS)
            for kind in list(self._by_kind):
                try:
                    lapsed = self.store.lapsed_runs(kind)
                    self._outage.succeeded()
                except Exception:
                    self._outage.failed()
                    continue
                for run_id in lapsed:
                    if not self.stopping and not self._is_local(run_id):
                        gevent.spawn(self._take_over_safely, run_id)

    def _take_over_safely(self, run_id: str) -> None:
        try:
            self.take_over_lapsed(run_id)
        except Exception:
            log.exception("Taking over run %s failed", run_id[:12])
