"""Learner feedback (thumbs up or down on a lesson or an answer), stored with the session."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from backend.app.errors import APIError
from backend.app.learning.sessions_repo import SESSION_NOT_FOUND, SessionRepository
from backend.app.observability.metrics import FEEDBACK
from backend.app.storage.db import Database
from backend.app.storage.models import LearningFeedback


class FeedbackRepository:
    """Rows of `learning_feedback`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, session_id: str, user_id: str, target: str, rating: int, comment: str | None
    ) -> LearningFeedback:
        """Store one piece of feedback and return it."""
        row = LearningFeedback(
            id=str(uuid.uuid4()),
            session_id=session_id,
            user_id=user_id,
            target=target,
            rating=rating,
            comment=comment,
            created_at=time.time(),
        )
        with self._db.transaction() as session:
            session.add(row)
        return row

    def list_for_session(self, session_id: str) -> list[LearningFeedback]:
        """A session's feedback, oldest first."""
        with self._db.transaction() as session:
            query = (
                select(LearningFeedback)
                .where(LearningFeedback.session_id == session_id)
                .order_by(LearningFeedback.created_at, LearningFeedback.id)
            )
            return list(session.scalars(query))


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


def record_feedback(
    user_id: str, session_id: str, target: str, rating: int, comment: str | None
) -> dict:
    """Store the caller's feedback on one of their sessions and count it; 404 otherwise."""
    db = current_app.extensions["tutor.db"]
    # Another user's session is answered exactly like an unknown one.
    if SessionRepository(db).owned(session_id, user_id) is None:
        raise APIError(404, "NOT_FOUND", SESSION_NOT_FOUND)
    row = FeedbackRepository(db).add(session_id, user_id, target, rating, comment or None)
    FEEDBACK.labels(target, "up" if rating > 0 else "down").inc()
    return feedback_view(row)
