"""Keep the run slots of working generations alive, from one greenlet per process.

A generation that is tied to its connection (a problem stream) holds its run slot for as
long as it runs. Renewing the slot only when the stream wrote a line let it lapse during
a slow stage (a model call longer than the lease), and the per-user cap could then be
exceeded. So a watcher renews every held slot a third of the way through its lease,
whatever the streams are doing, all in one statement.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import gevent

from backend.app.streaming.protocols import RunCaps

log = logging.getLogger(__name__)


class SlotKeeper:
    """Renews the leases of the run slots this process holds, until they are let go."""

    def __init__(self, run_slots: RunCaps, lease_seconds: float) -> None:
        self.run_slots = run_slots
        self.lease_seconds = lease_seconds
        # Slots held by this process only (in-process bookkeeping, never shared state).
        self._held: set[str] = set()
        self._watcher: gevent.Greenlet | None = None

    @contextmanager
    def hold(self, run_id: str) -> Iterator[None]:
        """Keep `run_id`'s slot alive for the duration of the block."""
        self._held.add(run_id)
        if self._watcher is None or self._watcher.dead:
            self._watcher = gevent.spawn(self._watch)
        try:
            yield
        finally:
            self._held.discard(run_id)

    def _watch(self) -> None:
        """Renew every held slot a third through its lease, while any is held."""
        while self._held:
            gevent.sleep(self.lease_seconds / 3)
            held = list(self._held)
            if not held:
                return
            try:
                self.run_slots.renew(held, self.lease_seconds)
            except Exception:  # the next round tries again, well within the lease
                log.exception("Could not renew %d run slots", len(held))
