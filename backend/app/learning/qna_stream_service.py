"""QnA streams: the answer run behind GET qna-stream/<ticket> (DESIGN 4.2.2)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from backend.app.learning.qna_stream import produce_answer_events
from backend.app.learning.ticket_streams import TicketStreamService, log
from backend.app.observability.metrics import STREAM_DURATION, STREAM_FIRST_BLOCK, STREAM_OUTCOMES
from backend.app.streaming.runner import RunResult


def delivered_answer(result: RunResult) -> str:
    """The answer text a run delivered so far."""
    return "".join(e["text"] for e in result.events if e.get("type") == "qna_token")


class QnAStreamService(TicketStreamService):
    """Answers: tokens from the model; the question and answer join the conversation."""

    kind = "qna"
    cancelled_message = "The answer was stopped."

    def __init__(self, *, qna, **core) -> None:
        super().__init__(**core)
        self.qna = qna

    def produce(self, ticket: str, payload: dict) -> Iterator[dict]:
        """The answer's events."""
        return produce_answer_events(ticket, self.qna.context_of(payload), self.qna.model)

    def record(self, payload: dict, result: RunResult) -> None:
        """Append the question and the answer (or what was delivered) to the conversation."""
        status = {"completed": "completed", "cancelled": "cancelled"}.get(result.outcome, "failed")
        answer = delivered_answer(result)
        state = self.qna.finalize_streaming_state(payload, {"status": status, "answer": answer})
        self.sessions.record_progress(payload["session_id"], state)

    def observe(self, result: RunResult) -> None:
        """Outcome, first-token and duration metrics, and one log line."""
        outcome = {"completed": "success", "cancelled": "cancelled", "aborted": "aborted"}.get(
            result.outcome, "error"
        )
        STREAM_OUTCOMES.labels(self.kind, outcome).inc()
        first_ms = total_ms = None
        if result.started_at:
            total = time.monotonic() - result.started_at
            STREAM_DURATION.labels(self.kind).observe(total)
            total_ms = round(total * 1000)
            if "qna_token" in result.first_event_at:
                first = result.first_event_at["qna_token"] - result.started_at
                STREAM_FIRST_BLOCK.labels(self.kind).observe(first)
                first_ms = round(first * 1000)
        log.info(
            "stream kind=%s run=%s outcome=%s chars=%d first_token_ms=%s total_ms=%s code=%s",
            self.kind, result.run_id[:12], outcome, len(delivered_answer(result)), first_ms,
            total_ms, (result.terminal or {}).get("code"),
        )  # fmt: skip
