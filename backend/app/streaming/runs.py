"""What the runner keeps of a run: how it ended, what else it holds, its local state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import gevent
from gevent.event import Event

from backend.app.streaming.previews import Preview
from backend.app.streaming.text_events import HeldText


class RunCancelled(BaseException):
    """Raised inside a producer whose run was cancelled.

    A BaseException, like GreenletExit, so `except Exception` in tools never swallows it.
    """


class HandOver(BaseException):
    """Raised inside a producer whose worker is stopping: another worker continues the run."""


@dataclass
class RunResult:
    """How a run ended, handed to its on_done callback."""

    run_id: str
    outcome: str  # completed | cancelled | failed | aborted
    events: list[dict] = field(default_factory=list)
    terminal: dict | None = None
    started_at: float = 0.0
    first_event_at: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class LeaseHook:
    """Something else a run holds while it works, renewed together with the run's lease.

    `renew` takes the keys of every run due at once (runs sharing one `renew` are renewed
    in one call): a hundred runs started together come due together, and renewing each
    in its own transaction stalled the worker for tens of milliseconds.
    """

    renew: Callable[[list[str]], None]
    key: str


@dataclass
class LocalRun:
    """A run this process produces: what its local subscribers and the watcher need."""

    lease_hook: LeaseHook | None
    texts: HeldText  # its latest text events, merged until they may be written
    release_timer: gevent.Greenlet | None = None  # brings held text out when it is due
    producer: gevent.Greenlet | None = None
    wakeup: Event = field(default_factory=Event)
    renewed_at: float = field(default_factory=time.monotonic)
    events: list[tuple[int, dict]] = field(default_factory=list)  # every event stored so far
    next_seq: int = 1
    base_seq: int = 0  # `events` starts after this seq (a run taken over from another worker)
    producing: bool = True  # False once concluding: a cancel must not interrupt on_done
    finished_elsewhere: bool = False  # a reaper ended the run: the producer stops
    write_error: Exception | None = None  # its events could not be stored
    preview: Preview | None = None  # the block being written (never in the run log)
    published: tuple = ()  # the version of `preview` last written to the store
