"""Lesson streams: the run behind GET theory-stream/<ticket> (DESIGN 4.2)."""

from __future__ import annotations

from collections.abc import Iterator

from backend.app.domain.tickets import StreamTicket
from backend.app.services.streams.base import TicketStreamService, session_status
from backend.app.services.streams.lesson_events import lesson_blocks, produce_lesson_events
from backend.app.services.streams.takeover_events import continue_lesson_events
from backend.app.streaming.runner import RunResult
from backend.app.tools.content.lesson_context import LessonContext


class LessonStreamService(TicketStreamService):
    """Lessons: blocks from the streaming tool; the lesson is committed by the educator."""

    kind = "theory"
    cancelled_message = "The lesson was stopped."
    content_event = "theory_block"

    def __init__(self, *, educator, **core) -> None:
        super().__init__(**core)
        self.educator = educator

    def produce(self, ticket: StreamTicket) -> Iterator[dict]:
        """The lesson's events, with its fallbacks."""
        context = LessonContext.model_validate(ticket.context)
        return produce_lesson_events(context, self.educator.model)

    def continue_run(self, ticket: StreamTicket, logged: list[dict]) -> Iterator[dict]:
        """The rest of the lesson after the blocks another worker delivered."""
        context = LessonContext.model_validate(ticket.context)
        return continue_lesson_events(context, self.educator.model, logged)

    def record(self, ticket: StreamTicket, result: RunResult) -> None:
        """Commit the lesson (or what was delivered) to the session."""
        state = self.educator.finalize_streaming_state(
            ticket,
            {"status": session_status(result.outcome), "blocks": lesson_blocks(result.events)},
        )
        self.sessions.record_progress(ticket.session_id, state)

    def outcome(self, result: RunResult) -> str:
        """A completed lesson that needed a fallback counts apart."""
        if result.outcome == "completed" and (result.terminal or {}).get("fallback"):
            return "fallback"
        return super().outcome(result)

    def log_fields(self, result: RunResult) -> dict:
        """Blocks delivered, the fallback used and the error code."""
        terminal = result.terminal or {}
        return {
            "blocks": len(lesson_blocks(result.events)),
            "fallback_mode": terminal.get("fallback_mode"),
            "code": terminal.get("code"),
        }
