"""Theory streams: the lesson run behind GET theory-stream/<ticket> (DESIGN 4.2)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from backend.app.learning.theory_stream import produce_lesson_events
from backend.app.learning.ticket_streams import TicketStreamService, log
from backend.app.observability.metrics import STREAM_DURATION, STREAM_FIRST_BLOCK, STREAM_OUTCOMES
from backend.app.streaming.runner import RunResult
from backend.app.tools.content.lesson_context import LessonContext


def delivered_blocks(result: RunResult) -> list[dict]:
    """The lesson blocks a run delivered, in order."""
    return [
        {key: event[key] for key in ("block_type", "block_id", "data")}
        for event in result.events
        if event.get("type") == "theory_block"
    ]


class TheoryStreamService(TicketStreamService):
    """Lessons: blocks from the streaming tool; the lesson is committed by the educator."""

    kind = "theory"
    cancelled_message = "The lesson was stopped."

    def __init__(self, *, educator, **core) -> None:
        super().__init__(**core)
        self.educator = educator

    def produce(self, ticket: str, payload: dict) -> Iterator[dict]:
        """The lesson's events, with its fallbacks."""
        context = LessonContext.model_validate(payload["context"])
        return produce_lesson_events(ticket, context, self.educator.model)

    def record(self, payload: dict, result: RunResult) -> None:
        """Commit the lesson (or what was delivered) to the session."""
        status = {"completed": "completed", "cancelled": "cancelled"}.get(result.outcome, "failed")
        state = self.educator.finalize_streaming_state(
            payload, {"status": status, "blocks": delivered_blocks(result)}
        )
        self.sessions.record_progress(payload["session_id"], state)

    def observe(self, result: RunResult) -> None:
        """Outcome, first-block and duration metrics, and one log line."""
        terminal = result.terminal or {}
        if result.outcome == "completed":
            outcome = "fallback" if terminal.get("fallback") else "success"
        else:
            outcome = {"cancelled": "cancelled", "aborted": "aborted"}.get(result.outcome, "error")
        STREAM_OUTCOMES.labels(self.kind, outcome).inc()
        first_block_ms = total_ms = None
        if result.started_at:
            total = time.monotonic() - result.started_at
            STREAM_DURATION.labels(self.kind).observe(total)
            total_ms = round(total * 1000)
            if "theory_block" in result.first_event_at:
                first = result.first_event_at["theory_block"] - result.started_at
                STREAM_FIRST_BLOCK.labels(self.kind).observe(first)
                first_block_ms = round(first * 1000)
        log.info(
            "stream kind=%s run=%s outcome=%s blocks=%d first_block_ms=%s total_ms=%s fallback_mode=%s code=%s",
            self.kind, result.run_id[:12], outcome, len(delivered_blocks(result)), first_block_ms,
            total_ms, terminal.get("fallback_mode"), terminal.get("code"),
        )  # fmt: skip
