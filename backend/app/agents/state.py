"""TutorState, the checkpointed state of one learning session, and its helpers.

It holds only what the learner's session is about: never a stream ticket, token or other
system bookkeeping (those live in the stream store, keyed by run).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, NotRequired, TypedDict

Role = Literal["user", "assistant"]
# How an assistant turn that did not finish ended (a finished one carries no status).
Unfinished = Literal["cancelled", "failed"]


class ConversationEntry(TypedDict):
    """One line of the learner-visible conversation."""

    role: Role
    agent: str
    message: str
    created_at: str
    status: NotRequired[Unfinished]


class TutorState(TypedDict, total=False):
    """The state of a learning session (one LangGraph thread per session)."""

    session_id: str
    user_id: str
    chapter_number: int
    section_number: int
    user_type: Literal["beginner", "advanced"]
    # The request being handled: set by the caller, read by the supervisor.
    user_message: str
    user_intent: str
    is_retry_session: bool
    # Where the supervisor wants the lesson to go; committed by the educator on success.
    target_chapter_number: int
    target_section_number: int
    current_agent: str
    session_progress_stage: str
    theory_content: list[dict]
    content_source: str
    completed_sections: list[list[int]]
    conversation: list[ConversationEntry]
    workflow_response: dict


def now_iso() -> str:
    """The current UTC time in ISO-8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def conversation_entry(
    role: Role, agent: str, message: str, status: Unfinished | None = None
) -> ConversationEntry:
    """A conversation line stamped with the current time (`status`: a turn that did not finish)."""
    entry: ConversationEntry = {
        "role": role,
        "agent": agent,
        "message": message,
        "created_at": now_iso(),
    }
    if status:
        entry["status"] = status
    return entry


def add_conversation(state: TutorState, *entries: ConversationEntry) -> list[ConversationEntry]:
    """The session's conversation with `entries` appended (the state itself is not changed)."""
    return [*state.get("conversation", []), *entries]


def learner_turn(state: TutorState) -> list[ConversationEntry]:
    """The learner's message of this turn as a conversation entry (none when it is empty)."""
    message = (state.get("user_message") or "").strip()
    return [conversation_entry("user", "learner", message)] if message else []


def thread_config(session_id: str, **options) -> dict:
    """The LangGraph config addressing one session's thread (plus per-call options)."""
    return {"configurable": {"thread_id": session_id, **options}}


def first_turn_state(
    session_id: str,
    user_id: str,
    chapter_number: int,
    section_number: int,
    user_type: str,
    user_message: str,
) -> TutorState:
    """A new session's state before its first turn: it asks for the section's lesson."""
    return {
        "session_id": session_id,
        "user_id": user_id,
        "chapter_number": chapter_number,
        "section_number": section_number,
        "user_type": user_type,
        "user_message": user_message,
        "user_intent": "theory_streaming",
        "is_retry_session": False,
        "session_progress_stage": "session_start",
        "theory_content": [],
        "completed_sections": [],
        "conversation": [],
    }
