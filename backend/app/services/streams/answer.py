"""Answer streams: the run behind GET qna-stream/<ticket> (DESIGN 4.2.2)."""

from __future__ import annotations

from collections.abc import Iterator

from backend.app.domain.tickets import StreamTicket
from backend.app.services.streams.answer_events import answer_text, produce_answer_events
from backend.app.services.streams.base import TicketStreamService, session_status
from backend.app.services.streams.takeover_events import continue_answer_events
from backend.app.streaming.runner import RunResult


class AnswerStreamService(TicketStreamService):
    """Answers: tokens from the model; the question and answer join the conversation."""

    kind = "qna"
    cancelled_message = "The answer was stopped."
    content_event = "qna_token"

    def __init__(self, *, qna, **core) -> None:
        super().__init__(**core)
        self.qna = qna

    def produce(self, ticket: StreamTicket) -> Iterator[dict]:
        """The answer's events."""
        return produce_answer_events(self.qna.context_of(ticket), self.qna.model)

    def continue_run(self, ticket: StreamTicket, logged: list[dict]) -> Iterator[dict]:
        """The rest of the answer after the text another worker delivered."""
        context = self.qna.context_of(ticket)
        return continue_answer_events(context, self.qna.model, logged, context.sources())

    def record(self, ticket: StreamTicket, result: RunResult) -> None:
        """Append the question and the answer (or what was delivered) to the conversation."""
        answer = answer_text(result.events)
        record = {"status": session_status(result.outcome), "answer": answer}
        state = self.qna.finalize_streaming_state(ticket, record)
        self.sessions.record_progress(ticket.session_id, state)

    def log_fields(self, result: RunResult) -> dict:
        """Characters delivered and the error code."""
        return {
            "chars": len(answer_text(result.events)),
            "code": (result.terminal or {}).get("code"),
        }
