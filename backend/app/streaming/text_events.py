"""Text events that may merge, so that a long answer never ends on the run log's cap.

A model writing one token per chunk would spend one run-log event per token, and the log
holds STREAM_RUN_MAX_EVENTS. So a producer marks its text events as mergeable, and the
runner holds each run's latest text event until the end of the loop turn: the pieces
that arrive in one turn go out as one event, at no cost in latency. Once a run has used
half its cap, its text goes out at most once per interval, the time left before its
deadline shared among the events left, so that the cap is never reached first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# Events kept for what is not text (a block, the terminal event needs none).
RESERVED_EVENTS = 4
# Without a deadline, time-merged text goes out at most this often.
DEFAULT_INTERVAL_SECONDS = 0.1


class MergeableText(dict):
    """A text event, `{"type": ..., "text": ...}`, that may merge with the next of its type."""

    def __init__(self, type_: str, text: str) -> None:
        super().__init__(type=type_, text=text)

    def merged(self, later: MergeableText) -> MergeableText:
        """One event carrying both texts, in order."""
        return MergeableText(self["type"], self["text"] + later["text"])


@dataclass
class HeldText:
    """A run's text not yet written, and when the next text may go out."""

    max_events: int
    deadline_at: float | None
    event: MergeableText | None = None
    due_at: float = 0.0

    def hold(self, event: MergeableText) -> MergeableText | None:
        """Keep `event` (merged with what is held); returns held text of another type."""
        held = self.event
        if held is not None and held["type"] == event["type"]:
            self.event = held.merged(event)
            return None
        self.event = event
        return held

    def take(self, next_seq: int, *, force: bool = False) -> MergeableText | None:
        """The held text, if it may be written now as event `next_seq` (always with force)."""
        event = self.event
        if event is None:
            return None
        now = time.monotonic()
        if not force and now < self.due_at:
            return None
        self.event = None
        self.due_at = now + self._interval(next_seq, now)
        return event

    def wait_seconds(self) -> float:
        """How long the held text must still wait."""
        return max(0.0, self.due_at - time.monotonic())

    def _interval(self, next_seq: int, now: float) -> float:
        """0 while under half the cap, then the time left shared among the events left."""
        if next_seq < self.max_events // 2:
            return 0.0
        if self.deadline_at is None:
            return DEFAULT_INTERVAL_SECONDS
        events_left = max(1, self.max_events - next_seq - RESERVED_EVENTS)
        return max(0.0, self.deadline_at - now) / events_left
