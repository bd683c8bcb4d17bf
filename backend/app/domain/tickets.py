"""What a stream ticket carries from the turn that issues it to the run that claims it."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict

TICKET_BYTES = 32  # 256 bits of randomness


def new_ticket() -> str:
    """A fresh opaque ticket: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TICKET_BYTES)


def run_id_for(ticket: str) -> str:
    """The run's key, and the ticket's own in the ticket store: a one-way hash of it.

    A ticket has 256 random bits, so a plain SHA-256 cannot be reversed by guessing. The
    sessions index and the stream store both key a run by it.
    """
    return hashlib.sha256(ticket.encode()).hexdigest()[:40]


class StreamRequest(BaseModel):
    """Who asked for a streamed run, in which session, holding which run slot."""

    # Tickets are short-lived, but one issued by an older release may hold more fields.
    model_config = ConfigDict(extra="ignore", frozen=True)

    session_id: str
    user_id: str
    slot_id: str
    user_message: str = ""  # a lesson: the learner's message that asked for it
    question: str = ""  # an answer: the learner's question
    # When the request that asked for the run arrived (epoch seconds, wall clock: the run
    # may be claimed on another host), for the time to first block.
    requested_at: float | None = None


class StreamTicket(StreamRequest):
    """A StreamRequest with the run's prepared context (LessonContext / QnAContext as JSON)."""

    context: dict[str, Any]


class PreparedStream(BaseModel):
    """Phase 1 of a streamed run: the one-time ticket to claim it, and what to expect."""

    model_config = ConfigDict(frozen=True)

    temp_session_id: str
    estimated_blocks: int | None = None
