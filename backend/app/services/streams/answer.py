"""QnA streams: the answer run behind GET qna-stream/<ticket> (DESIGN 4.2.2)."""

from __future__ import annotations

from collections.abc import Iterator

from backend.app.learning.qna_stream import produce_answer_events
from backend.app.learning.ticket_streams import TicketStreamService, session_status
from backend.app.streaming.runner import RunResult


def delivered_answer(result: RunResult) -> str:
    """The answer text a run delivered so far."""
    return "".join(e["text"] for e in result.events if e.get("type") == "qna_token")


class QnAStreamService(TicketStreamService):
    """Answers: tokens from the model; the question and answer join the conversation."""

    kind = "qna"
    cancelled_message = "The answer was stopped."
    content_event = "qna_token"

    def __init__(self, *, qna, **core) -> None:
        super().__init__(**core)
        self.qna = qna

    def produce(self, payload: dict) -> Iterator[dict]:
        """The answer's events."""
        return produce_answer_events(self.qna.context_of(payload), self.qna.model)

    def record(self, payload: dict, result: RunResult) -> None:
        """Append the question and the answer (or what was delivered) to the conversation."""
        answer = delivered_answer(result)
        record = {"status": session_status(result.outcome), "answer": answer}
        state = self.qna.finalize_streaming_state(payload, record)
        self.sessions.record_progress(payload["session_id"], state)

    def log_fields(self, result: RunResult) -> dict:
        """Characters delivered and the error code."""
        return {"chars": len(delivered_answer(result)), "code": (result.terminal or {}).get("code")}
