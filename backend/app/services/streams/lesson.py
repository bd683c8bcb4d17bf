"""Lesson streams: the run behind GET theory-stream/<ticket> (DESIGN 4.2)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from backend.app.domain.tickets import StreamTicket, run_id_for
from backend.app.observability.metrics import count_lesson_fallback
from backend.app.services.streams.base import TicketStreamService, session_status
from backend.app.services.streams.lesson_events import lesson_blocks, produce_lesson_events
from backend.app.services.streams.takeover_events import continue_lesson_events
from backend.app.streaming.runner import RunResult
from backend.app.tools.content.lesson_context import LessonContext

log = logging.getLogger(__name__)


class LessonStreamService(TicketStreamService):
    """Lessons: blocks from the streaming tool; the lesson is committed by the educator."""

    kind = "theory"
    cancelled_message = "The lesson was stopped."
    content_event = "theory_block"
    previews = True

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

    def observe(self, result: RunResult) -> None:
        """The stream's metrics and log line, and the fallback it needed, by reason."""
        super().observe(result)
        reason = fallback_reason(result.terminal)
        if reason is not None:
            count_lesson_fallback(reason)

    def count_client_fallback(self, ticket: str, user_id: str) -> None:
        """Count the client's own fallback from the lesson stream of `ticket`.

        Only the caller's own lesson counts, so a client cannot inflate the figure with
        made-up tickets: its run, or, when the stream never started (the client's cancel
        of it, sent just before, may not have landed yet), its unclaimed ticket. The
        ticket is neither stored nor logged.
        """
        try:
            info = self.store.run_info(run_id_for(ticket))
            if info is not None:
                owned = info.owner == user_id and info.kind == self.kind
            else:
                owned = self.store.peek(ticket) == user_id
        except Exception:  # a figure is not worth failing the lesson the client asks for
            log.warning("Could not check a client fallback's stream; not counted")
            return
        if owned:
            count_lesson_fallback("client")

    def log_fields(self, result: RunResult) -> dict:
        """Blocks delivered, the fallback used and the error code."""
        terminal = result.terminal or {}
        return {
            "blocks": len(lesson_blocks(result.events)),
            "fallback_mode": terminal.get("fallback_mode"),
            "code": terminal.get("code"),
        }


def fallback_reason(terminal: dict | None) -> str | None:
    """Why a lesson that completed needed a fallback (metrics.FALLBACK_REASONS), else None.

    A fallback that failed too ends with stream_error: an error, not a fallback.
    """
    terminal = terminal or {}
    if terminal.get("type") != "stream_complete" or not terminal.get("fallback"):
        return None
    if terminal.get("taken_over"):
        return "takeover"  # another worker or host continued it (fallback_mode continuation)
    modes = {"sync": "upstream_before_first_block", "continuation": "continuation"}
    return modes.get(terminal.get("fallback_mode"))
