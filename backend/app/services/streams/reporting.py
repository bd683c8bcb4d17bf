"""What a ticket stream reports when it ends: metrics, its outcome label and one log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from backend.app.domain.tickets import StreamTicket
from backend.app.observability.first_block import content_marker, observe_first_block
from backend.app.observability.metrics import observe_stream
from backend.app.streaming.runner import RunResult

log = logging.getLogger("backend.app.streams")


class StreamReporting:
    """The reporting half of a stream service (services/streams/base.py)."""

    kind = "stream"
    # The event whose first arrival is the stream's time to first content.
    content_event = "content"

    def outcome(self, result: RunResult) -> str:
        """The outcome label of a finished run (success, cancelled, aborted, error)."""
        labels = {"completed": "success", "cancelled": "cancelled", "aborted": "aborted"}
        return labels.get(result.outcome, "error")

    def log_fields(self, result: RunResult) -> dict:
        """What the run's log line says besides its timings and outcome."""
        return {"code": (result.terminal or {}).get("code")}

    def observe(self, result: RunResult) -> None:
        """Outcome, first-content and duration metrics, and one log line per stream."""
        outcome = self.outcome(result)
        first_at = result.first_event_at.get(self.content_event)
        first_ms, total_ms = observe_stream(self.kind, outcome, result.started_at, first_at)
        fields = " ".join(f"{key}={value}" for key, value in self.log_fields(result).items())
        log.info(
            "stream kind=%s run=%s outcome=%s first_content_ms=%s total_ms=%s %s",
            self.kind, result.run_id[:12], outcome, first_ms, total_ms, fields,
        )  # fmt: skip

    def _first_block_timed(self, chunks: Iterator[str], claimed: StreamTicket) -> Iterator[str]:
        """The claimer's chunks, timing the first content event from the ticket's request."""
        marker = content_marker(self.content_event)
        return observe_first_block(chunks, self.kind, marker, claimed.requested_at)
