"""Rows of learner feedback (thumbs up or down on a lesson or an answer)."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import select

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
