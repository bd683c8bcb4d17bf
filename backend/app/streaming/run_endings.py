"""How a run that stopped on an exception ends: its outcome and its terminal event."""

from __future__ import annotations

import gevent

from backend.app.streaming.deadline import RunDeadlineExceeded
from backend.app.streaming.events import stream_error
from backend.app.streaming.records import RunLogFull
from backend.app.streaming.runs import RunCancelled

# What stops a producer, besides a handover (HandOver) and any other Exception (a failure).
STOPPERS = (RunDeadlineExceeded, RunCancelled, gevent.GreenletExit, RunLogFull)


def ending_of(error: BaseException) -> tuple[str, dict]:
    """The outcome (failed, cancelled, aborted) and terminal event of a run stopped by `error`."""
    if isinstance(error, RunDeadlineExceeded):
        return "failed", stream_error("GENERATION_FAILED", str(error))
    if isinstance(error, RunCancelled):
        return "cancelled", stream_error("CANCELLED", "The run was stopped.")
    if isinstance(error, gevent.GreenletExit):  # the worker is stopping
        return "aborted", stream_error("RUN_ABORTED", "The server stopped this run.")
    if isinstance(error, RunLogFull):
        return "failed", stream_error("GENERATION_FAILED", "The run grew too long.")
    return "failed", stream_error("GENERATION_FAILED", "Generation failed.")
