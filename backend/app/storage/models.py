"""ORM models of the relational store. The schema itself is owned by Alembic migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """A learner account."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # Usernames are unique regardless of case; the lowercased copy carries the index.
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    user_type: Mapped[str] = mapped_column(String(16), default="beginner")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def to_public(self) -> dict:
        """The user as the API shows it."""
        return {"id": self.id, "username": self.username, "user_type": self.user_type}


class RefreshToken(Base):
    """An issued refresh token; rotation revokes it and links the family for reuse checks."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    expires_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class ActiveRun(Base):
    """A running LLM generation, counted against the user's concurrent-run cap."""

    __tablename__ = "active_runs"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    lease_expires_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_active_runs_user_lease", "user_id", "lease_expires_at"),)


class LearningSession(Base):
    """The index of a learner's sessions; the session itself is a checkpointed graph thread."""

    __tablename__ = "learning_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chapter_number: Mapped[int] = mapped_column(Integer)
    section_number: Mapped[int] = mapped_column(Integer)
    session_progress_stage: Mapped[str] = mapped_column(String(32))
    user_type: Mapped[str] = mapped_column(String(16))
    completed_sections: Mapped[int] = mapped_column(Integer, default=0)
    # The stream a reload can resume; kept here, never in the TutorState.
    active_run_ticket: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active_run_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_learning_sessions_user_updated", "user_id", "updated_at"),)


class Problem(Base):
    """A generated coding problem (the SQL backend of the problem store)."""

    __tablename__ = "problems"

    problem_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # No foreign key to users: the DynamoDB backend has none either, and a problem
    # outlives nothing it needs to cascade with.
    user_id: Mapped[str] = mapped_column(String(64))
    # ISO-8601 UTC text of fixed width: sorts as it reads, and pages with problem_id.
    created_at: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str] = mapped_column(String(64))
    prompt: Mapped[str] = mapped_column(Text)
    problem_json: Mapped[str] = mapped_column(Text)
    # Revision 0006: NULL on rows saved before problems were verified.
    verification: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON text
    reference_solution: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_problems_user_created", "user_id", "created_at"),)


class LearningFeedback(Base):
    """A learner's thumbs up or down on a lesson or an answer of one of their sessions."""

    __tablename__ = "learning_feedback"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Feedback belongs to its session and goes with it.
    session_id: Mapped[str] = mapped_column(
        ForeignKey("learning_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(36))
    target: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
