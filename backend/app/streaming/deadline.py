"""A run's wall-clock deadline (LLM_RUN_DEADLINE_SECONDS).

An unclosed lesson block or a runaway description must not run without bound: a run that
passes its deadline ends with GENERATION_FAILED saying so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import gevent


class RunDeadlineExceeded(BaseException):
    """A run passed its wall-clock deadline.

    A BaseException, like a cancellation: `except Exception` in tools and fallbacks must
    not catch it and start another model call after the time is up.
    """


def deadline_message(seconds: float) -> str:
    """What a run that passed its deadline tells the client."""
    return f"The run passed its deadline of {seconds:g} seconds."


def deadline_timer(seconds: float) -> gevent.Timeout:
    """A timer that raises RunDeadlineExceeded in the greenlet that starts it."""
    return gevent.Timeout(seconds, RunDeadlineExceeded(deadline_message(seconds)))


class RunDeadline:
    """A run's deadline, counted from its creation; bounds the blocking calls it wraps."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    @contextmanager
    def bounded(self) -> Iterator[None]:
        """Run the block, raising RunDeadlineExceeded in it if the deadline passes meanwhile.

        Only for blocks that do not yield to a caller: a generator's `yield` inside would
        let the timer fire in whatever its consumer does next.
        """
        remaining = self.remaining()
        if remaining <= 0:
            raise RunDeadlineExceeded(deadline_message(self.seconds))
        with gevent.Timeout(remaining, RunDeadlineExceeded(deadline_message(self.seconds))):
            yield
