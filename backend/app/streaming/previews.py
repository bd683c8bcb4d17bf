"""Previews of the block being written: from the producer to each subscriber (DESIGN 4.2.3).

A producer yields a `Preview` whenever it begins writing a block; the runner keeps the
latest one of each run (never in the run log) and publishes its record to the stream
store for subscribers on other workers and hosts. A `PreviewCursor` is one subscriber's
view: it turns the current record into `block_preview` events, each an append at the
offset that subscriber has reached, at most one per interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backend.app.streaming.block_preview import BlockPreview

BLOCK_PREVIEW = "block_preview"


@dataclass(frozen=True)
class Preview:
    """The block a run is writing now: the id it will get and its live text."""

    block_id: int
    source: BlockPreview

    def record(self) -> dict:
        """The record subscribers read (in memory, or from the stream store)."""
        source = self.source
        return {
            "attempt": source.attempt,
            "block_id": self.block_id,
            "block_type": source.block_type,
            "text": source.text,
        }

    def version(self) -> tuple:
        """Changes whenever the record would: to publish only what is new."""
        source = self.source
        return (source.attempt, self.block_id, source.length, source.block_type)


class PreviewCursor:
    """What one subscriber has been shown of the current block, and when."""

    __slots__ = (
        "_attempt",
        "_block_id",
        "_block_type",
        "_delivered",
        "_sent",
        "interval",
        "sent_at",
    )

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.sent_at = -math.inf
        self._delivered = 0  # the highest block id this subscriber got as a finished block
        self._attempt: int | None = None
        self._block_id = 0
        self._block_type: str | None = None
        self._sent = 0  # code points of the current block already sent

    def saw(self, event: dict) -> None:
        """Note a logged event: a finished block ends the preview of its id."""
        block_id = event.get("block_id")
        if isinstance(block_id, int) and block_id > self._delivered:
            self._delivered = block_id

    def next_event(self, record: dict | None, now: float) -> dict | None:
        """The `block_preview` event for `record`, or None (nothing new, or too soon)."""
        if record is None or now < self.sent_at + self.interval:
            return None
        block_id, text = record["block_id"], record["text"]
        if block_id <= self._delivered:
            return None  # its finished block has been sent: the preview is stale
        block_type = record.get("block_type")
        if record["attempt"] != self._attempt or block_id != self._block_id:
            shown_before = block_id == self._block_id and self._sent > 0
            if not text and not shown_before:
                return None  # nothing to show yet, nothing to clear
            offset, piece = 0, text
        elif len(text) > self._sent or block_type != self._block_type:
            offset, piece = self._sent, text[self._sent :]
        else:
            return None
        self._attempt, self._block_id, self._block_type = record["attempt"], block_id, block_type
        self._sent = len(text)
        self.sent_at = now
        return {
            "type": BLOCK_PREVIEW,
            "block_id": block_id,
            "block_type": block_type,
            "offset": offset,
            "text": piece,
        }
