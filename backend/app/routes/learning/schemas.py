"""Request and response models of the learning endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.app.api.schemas import CleanStr, StrictModel, envelope


class StartSessionRequest(StrictModel):
    """Open a lesson on a section."""

    # No upper bound: the course decides which sections exist (unknown: 404), not the schema.
    chapter_number: int = Field(ge=1, examples=[2])
    section_number: int = Field(ge=1, examples=[1])
    user_message: CleanStr = Field("", max_length=2000, examples=["2챕터 시작할게요"])
    streaming: bool = True
    user_type: Literal["beginner", "advanced"] | None = None


class MessageRequest(StrictModel):
    """A learner's message in a session."""

    session_id: CleanStr = Field(min_length=1, max_length=64)
    user_message: CleanStr = Field(min_length=1, max_length=2000, examples=["다음"])
    # Lessons and answers stream by default; false returns them whole in the response.
    streaming: bool = True


class StreamHeaders(BaseModel):
    """Headers of a stream request; any value is accepted (a bad one is a `stream_error`)."""

    last_event_id: str = Field(
        "",
        alias="Last-Event-ID",
        description="Resume after this event id (an EventSource sends it when it reconnects).",
    )


class SessionInfo(BaseModel):
    """Which session and section a turn is about."""

    session_id: str
    chapter_number: int
    section_number: int


class TurnData(BaseModel):
    """`data` of session/start and session/message."""

    session_info: SessionInfo
    workflow_response: dict[str, Any]


class SectionOutline(BaseModel):
    """A section in the outline."""

    section_number: int
    title: str


class ChapterOutline(BaseModel):
    """A chapter in the outline."""

    chapter_number: int
    title: str
    sections: list[SectionOutline]


class ChaptersData(BaseModel):
    """`data` of GET chapters."""

    chapters: list[ChapterOutline]


class SessionsData(BaseModel):
    """`data` of GET sessions."""

    sessions: list[dict[str, Any]]


class SessionView(BaseModel):
    """`data` of GET session/<id>: what the learner can see of a session."""

    session_id: str
    chapter_number: int | None
    section_number: int | None
    session_progress_stage: str | None
    user_type: str | None
    theory_content: list[dict[str, Any]]
    conversation: list[dict[str, Any]]
    active_run: dict[str, Any] | None


TurnResponse = envelope("TurnResponse", TurnData)
ChaptersResponse = envelope("ChaptersResponse", ChaptersData)
SessionsResponse = envelope("SessionsResponse", SessionsData)
SessionViewResponse = envelope("SessionViewResponse", SessionView)
