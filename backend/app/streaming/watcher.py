"""The runner's watcher: the leases and cancel marks of every local run, from one greenlet.

Every CANCEL_POLL_SECONDS it renews the leases that are due and reads which running runs
are marked for cancellation (by any worker), each in one statement, and stops its own
marked producers. A watcher per run cost a query per run four times a second: a few
percent of a busy worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import gevent

from backend.app.streaming.outage_log import OutageLog
from backend.app.streaming.protocols import CancelMarks, RunLeases
from backend.app.streaming.runs import LocalRun, RunCancelled

# The runner's logger: its lines kept their name when the runner was split by job.
log = logging.getLogger("backend.app.streaming.runner")

CANCEL_POLL_SECONDS = 0.25


class Watcher:
    """Renews local runs' leases (and their lease hooks) and kills producers marked to stop."""

    def __init__(
        self,
        leases: RunLeases,
        marks: CancelMarks,
        local: dict[str, LocalRun],
        lease_seconds: float,
    ) -> None:
        self.leases = leases
        self.marks = marks
        self.lease_seconds = lease_seconds
        self._local = local  # the runner's own map of the runs this process produces
        self._greenlet: gevent.Greenlet | None = None
        self._outage = OutageLog(log, "Renewing leases and reading cancel marks")

    def ensure_running(self) -> None:
        """Start the watcher greenlet unless it is already running."""
        if self._greenlet is None or self._greenlet.dead:
            self._greenlet = gevent.spawn(self._watch)

    def renew_if_due(self, run_id: str) -> None:
        """Renew this run's lease from its producer, if the watcher has fallen behind.

        The watcher renews every run a third through its lease, all in one go. A hub busy
        with many streams can starve the watcher's timer, and a lapsed lease would make
        other workers abort a healthy run, so the producer renews its own run too, but
        only two thirds through: runs started together come due together, and each
        producer renewing alone cost a few statements per run all in the same moment.
        """
        local = self._local.get(run_id)
        if local is not None:
            self.renew([(run_id, local)], due_after=self.lease_seconds * 2 / 3)

    def renew(self, runs: list[tuple[str, LocalRun]], *, due_after: float | None = None) -> None:
        """Renew the leases of those runs `due_after` seconds (default a third of the lease)
        since their last renewal, in one statement, and their lease hooks in one call per
        hook function."""
        now = time.monotonic()
        due_after = self.lease_seconds / 3 if due_after is None else due_after
        due = [(run_id, local) for run_id, local in runs if now - local.renewed_at >= due_after]
        if not due:
            return
        self.leases.renew_leases([run_id for run_id, _ in due], self.lease_seconds)
        hooked: dict[Callable[[list[str]], None], list[str]] = {}
        for _, local in due:
            local.renewed_at = now
            if local.lease_hook:
                hooked.setdefault(local.lease_hook.renew, []).append(local.lease_hook.key)
        for renew, keys in hooked.items():
            renew(keys)

    def _watch(self) -> None:
        """While this process has runs: renew due leases, stop the runs marked to cancel."""
        while self._local:
            gevent.sleep(CANCEL_POLL_SECONDS)
            try:
                self.renew(list(self._local.items()))
                marked = self.marks.cancel_marked_runs()
                self._outage.succeeded()
            except Exception:
                self._outage.failed()
                continue
            for run_id in marked:
                local = self._local.get(run_id)
                # Only while it still produces: once concluding, on_done must run whole.
                if local is not None and local.producing and local.producer is not None:
                    local.producing = False  # stopped once; it concludes as cancelled
                    local.producer.kill(RunCancelled(), block=False)
