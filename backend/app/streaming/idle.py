"""Deferring work no client is waiting for until the gevent event loop has nothing to do."""

from __future__ import annotations

import gevent

# Deferred work runs when the loop is next idle, or after this long at most when it
# never idles (a busy worker must still finish its runs).
IDLE_WAIT_MAX_SECONDS = 0.25


def wait_for_idle_loop(max_seconds: float = IDLE_WAIT_MAX_SECONDS) -> None:
    """Return once the event loop is idle (every ready greenlet has run), or after `max_seconds`."""
    with gevent.Timeout(max_seconds, False):
        gevent.idle()
