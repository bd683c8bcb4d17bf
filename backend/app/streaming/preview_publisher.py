"""Publish the block each local run is writing, for subscribers elsewhere (DESIGN 4.2.3).

Subscribers in this process read a run's preview from memory. Those on other workers and
hosts read it from the stream store, where one greenlet per process writes the record of
every local run whose preview changed, in one batch, at most once per interval: never
in the run log, overwritten in place, gone after its TTL.
"""

from __future__ import annotations

import logging

import gevent

from backend.app.streaming.outage_log import OutageLog
from backend.app.streaming.protocols import CurrentBlocks
from backend.app.streaming.runs import LocalRun

log = logging.getLogger(__name__)


class PreviewPublisher:
    """Writes the changed previews of this process's runs, once per interval."""

    def __init__(
        self, store: CurrentBlocks, local_runs: dict[str, LocalRun], interval: float, ttl: float
    ) -> None:
        self.store = store
        self.interval = interval
        self.ttl = ttl
        self._local = local_runs  # the runner's own map of the runs it produces
        self._greenlet: gevent.Greenlet | None = None
        self._outage = OutageLog(log, "Publishing block previews")

    def ensure_running(self) -> None:
        """Start the publishing greenlet unless it runs (it stops when no run has a preview)."""
        if self._greenlet is None or self._greenlet.dead:
            self._greenlet = gevent.spawn(self._publish_while_needed)

    def _publish_while_needed(self) -> None:
        while True:
            gevent.sleep(self.interval)
            if not self.publish_once():
                return

    def publish_once(self) -> bool:
        """Write every changed preview in one batch; False when no local run has one."""
        due, any_preview = {}, False
        for run_id, local in list(self._local.items()):
            preview = local.preview
            if preview is None or not local.producing:
                continue
            any_preview = True
            version = preview.version()
            if version != local.published:
                due[run_id] = (local, version, preview.record())
        if due:
            try:
                self.store.set_current_blocks(
                    {run_id: record for run_id, (_, _, record) in due.items()}, self.ttl
                )
            except Exception:  # a preview is volatile: the next interval tries again
                self._outage.failed()
                return any_preview
            self._outage.succeeded()
            for local, version, _ in due.values():
                local.published = version
        return any_preview
