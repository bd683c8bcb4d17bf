"""Lesson starts take turns with the streams a worker already serves.

A start is a few milliseconds of CPU that never yields (the run slot, the checkpoint, the
ticket, the session row). When a class opens its lessons at once, a worker used to run
all of them back to back, and every stream it already served, and every lesson just
started, waited for the whole batch: a block of a running lesson could reach its reader
hundreds of milliseconds late, and a learner's stream opened only once every other
learner's start was done. So each start first waits for its turn: one start at a time
per worker, when the event loop has nothing else ready (the streams' events written,
the streams just opened started), or after ADMISSION_WAIT_SECONDS at most, so that a
worker that never idles still admits starts at a steady pace. Only the wait is taken in
turn, not the start's work, so starts whose stores answer over the network (Redis,
Postgres) still overlap their waits.
"""

from __future__ import annotations

from gevent.lock import Semaphore

from backend.app.streaming.idle import wait_for_idle_loop

# The longest a start waits for an idle loop. Waiting is only for the loop to poll and
# serve what is ready: a busy worker admits a start every 2 ms (plus the start's own
# work), so the last learner of a burst is not held back by a longer wait per start
# (10 ms cost 100 learners' p99 about 0.25 s in benchmarks/burst_starts.py).
ADMISSION_WAIT_SECONDS = 0.002


class StartAdmission:
    """One gate per process: a start passes once the loop was idle since the last one."""

    def __init__(self, max_wait: float = ADMISSION_WAIT_SECONDS) -> None:
        self._turn = Semaphore(1)
        self._max_wait = max_wait

    def wait_turn(self) -> None:
        """Return when this start may run: after whatever else was ready has run."""
        with self._turn:
            wait_for_idle_loop(self._max_wait)
