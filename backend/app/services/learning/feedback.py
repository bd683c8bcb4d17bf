"""Learner feedback: a thumbs up or down on a lesson or an answer of one's own session."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.app.errors import APIError
from backend.app.observability.metrics import FEEDBACK
from backend.app.storage.feedback_repo import FeedbackRepository
from backend.app.storage.models import LearningFeedback
from backend.app.storage.sessions_repo import SESSION_NOT_FOUND, SessionRepository


def feedback_view(row: LearningFeedback) -> dict:
    """The feedback as the API shows it."""
    return {
        "feedback_id": row.id,
        "session_id": row.session_id,
        "target": row.target,
        "rating": row.rating,
        "comment": row.comment,
        "created_at": datetime.fromtimestamp(row.created_at, UTC).isoformat(timespec="seconds"),
    }


class LearnerFeedback:
    """Records feedback on the caller's own sessions and counts it."""

    def __init__(self, *, sessions: SessionRepository, feedback: FeedbackRepository) -> None:
        self.sessions = sessions
        self.feedback = feedback

    def record(
        self, user_id: str, session_id: str, target: str, rating: int, comment: str | None
    ) -> dict:
        """Store the caller's feedback on one of their sessions and count it; 404 otherwise."""
        # Another user's session is answered exactly like an unknown one.
        if self.sessions.owned(session_id, user_id) is None:
            raise APIError(404, "NOT_FOUND", SESSION_NOT_FOUND)
        row = self.feedback.add(session_id, user_id, target, rating, comment or None)
        FEEDBACK.labels(target, "up" if rating > 0 else "down").inc()
        return feedback_view(row)
