"""Session views: the learner's sessions, and one session as the client shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.app.agents.graph import Tutor
from backend.app.agents.state import thread_config
from backend.app.errors import APIError
from backend.app.services.learning.abandoned_runs import wrap_up_abandoned
from backend.app.storage.sessions_repo import SESSION_NOT_FOUND, SessionRepository
from backend.app.streaming.protocols import TicketStore

# A conversation entry as the session view shows it; `status` only on a turn that did not finish.
VIEW_ENTRY_KEYS = ("role", "agent", "message", "created_at", "status")


class SessionViews:
    """What the learner sees of their sessions (owner only), read from the index and graph."""

    def __init__(
        self, *, tutor: Tutor, course, sessions: SessionRepository, tickets: TicketStore
    ) -> None:
        self.tutor = tutor
        self.tickets = tickets  # to tell a ticket that expired unclaimed
        self.course = course
        self.sessions = sessions

    def list_sessions(self, user) -> list[dict]:
        """The user's sessions, newest activity first, with their progress."""
        total = len(self.course.all_sections())
        items = []
        for row in self.sessions.list_for(user.id):
            section = self.course.section(row.chapter_number, row.section_number)
            items.append(
                {
                    "session_id": row.id,
                    "chapter_number": row.chapter_number,
                    "section_number": row.section_number,
                    "section_title": section.title if section else "",
                    "session_progress_stage": row.session_progress_stage,
                    "user_type": row.user_type,
                    "progress": {
                        "completed_sections": row.completed_sections,
                        "total_sections": total,
                    },
                    "created_at": _iso(row.created_at),
                    "updated_at": _iso(row.updated_at),
                }
            )
        return items

    def session_view(self, user, session_id: str) -> dict:
        """The learner-visible state of one session (owner only)."""
        row = self.sessions.owned(session_id, user.id)
        if row is None:
            raise APIError(404, "NOT_FOUND", SESSION_NOT_FOUND)
        if row.active_run_ticket and self.tickets.expired_unclaimed(row.active_run_ticket):
            wrap_up_abandoned(self.tutor, self.sessions, row)
            row = self.sessions.owned(session_id, user.id)
        state = self.tutor.graph.get_state(thread_config(session_id)).values
        active = (
            {"temp_session_id": row.active_run_ticket, "kind": row.active_run_kind}
            if row.active_run_ticket
            else None
        )
        return {
            "session_id": session_id,
            "chapter_number": state.get("chapter_number"),
            "section_number": state.get("section_number"),
            "session_progress_stage": state.get("session_progress_stage"),
            "user_type": state.get("user_type"),
            "theory_content": state.get("theory_content", []),
            "conversation": [
                {key: entry[key] for key in VIEW_ENTRY_KEYS if key in entry}
                for entry in state.get("conversation", [])
            ],
            "active_run": active,
        }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
