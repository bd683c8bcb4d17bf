"""A worker told to stop (SIGTERM) hands its streams on instead of letting them die.

gunicorn stops a worker by SIGTERM and then waits up to `graceful_timeout` for its
connections. Lesson and answer runs do not wait for that: their producers store what they
have and let their leases lapse at once, so another worker or host continues them within
moments (DESIGN 4.4). The worker's own subscribers keep being served while it drains (they
follow the run from the store, whoever produces it). A problem stream is tied to its
connection: it ends with an `error` line.
"""

from __future__ import annotations

import logging
import signal

import gevent
from flask import Flask

from backend.app.services.container import services

log = logging.getLogger(__name__)


def hand_over_on_stop(worker) -> None:
    """Run `hand_over_streams` when the gunicorn `worker` receives SIGTERM, then stop it.

    Also starts the worker's takeover sweeper, so that every worker, busy or not, helps
    continue the runs of a worker or host that died or stopped.
    """
    app = worker.wsgi
    services(app).runner.takeovers.ensure_sweeping()
    stop = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame) -> None:
        # Off the signal handler: handing over does I/O.
        gevent.spawn(hand_over_streams, app)
        if callable(stop):
            stop(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)


def hand_over_streams(app: Flask) -> None:
    """Hand this worker's lesson and answer runs over; end its problem streams."""
    tutor = services(app)
    try:
        handed = tutor.runner.hand_over()
        ended = tutor.problem_streams.stop_all()
    except Exception:
        log.exception("Handing the streams over failed")
        return
    log.info("Worker stopping: %d runs handed over, %d problem streams ended", len(handed), ended)
