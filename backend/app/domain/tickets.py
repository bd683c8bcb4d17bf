"""What a stream ticket carries from the turn that issues it to the run that claims it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class StreamRequest(BaseModel):
    """Who asked for a streamed run, in which session, holding which run slot."""

    # Tickets are short-lived, but one issued by an older release may hold more fields.
    model_config = ConfigDict(extra="ignore", frozen=True)

    session_id: str
    user_id: str
    slot_id: str
    user_message: str = ""  # a lesson: the learner's message that asked for it
    question: str = ""  # an answer: the learner's question


class StreamTicket(StreamRequest):
    """A StreamRequest with the run's prepared context (LessonContext / QnAContext as JSON)."""

    context: dict[str, Any]


class PreparedStream(BaseModel):
    """Phase 1 of a streamed run: the one-time ticket to claim it, and what to expect."""

    model_config = ConfigDict(frozen=True)

    temp_session_id: str
    estimated_blocks: int | None = None
