"""Request and response models of the learning endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.app.agents.state import Role, Unfinished
from backend.app.api.schemas import CleanStr, StrictModel, envelope


class StartSessionRequest(StrictModel):
    """Open a lesson on a section."""

    # No upper bound: the course decides which sections exist (unknown: 404), not the schema.
    chapter_number: int = Field(ge=1, examples=[2])
    section_number: int = Field(ge=1, examples=[1])
    user_message: CleanStr = Field("", max_length=2000, examples=["2챕터 시작할게요"])
    streaming: bool = True
    user_type: Literal["beginner", "advanced"] | None = None
    # The client's own fallback: the temp_session_id of the lesson stream that failed, sent
    # with the request for the synchronous lesson. Counted (the caller's own run only),
    # never stored or logged.
    fallback_from: CleanStr | None = Field(
        None,
        min_length=1,
        max_length=128,
        description="The temp_session_id of the lesson stream this request falls back from.",
    )


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


class LessonStreamQuery(BaseModel):
    """Query of a lesson stream: whether to send previews of the block being written."""

    preview: Literal["0", "1"] = Field(
        "0",
        description="`1`: also send `block_preview` events (no id, never replayed) with the "
        "text of the block being written (DESIGN 4.2.3).",
    )


class SessionInfo(BaseModel):
    """Which session and section a turn is about."""

    session_id: str
    chapter_number: int
    section_number: int


class LessonBlock(BaseModel):
    """One block of a lesson, numbered by the server."""

    block_type: str
    block_id: int = Field(ge=1)
    data: dict[str, Any]


class Source(BaseModel):
    """A course section an answer drew on."""

    chapter_number: int
    section_number: int
    title: str


class WorkflowResponse(BaseModel):
    """What the client does next; which of the optional fields come depends on the turn.

    Streamed: `temp_session_id` (and for a lesson `estimated_blocks`). Whole: the lesson's
    `theory_content`, an answer with its `sources`, or a reply `message`.
    """

    model_config = ConfigDict(extra="allow")

    current_agent: str = Field(examples=["learning_supervisor", "theory_educator", "qna_resolver"])
    ui_mode: str = Field(examples=["streaming", "lesson", "chat"])
    streaming: bool
    session_progress_stage: str | None = None
    temp_session_id: str | None = Field(None, min_length=1)
    estimated_blocks: int | None = Field(None, ge=0)
    theory_content: list[LessonBlock] | None = None
    answer: str | None = None
    sources: list[Source] | None = None
    message: str | None = None


class TurnData(BaseModel):
    """`data` of session/start and session/message."""

    session_info: SessionInfo
    workflow_response: WorkflowResponse


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


class Progress(BaseModel):
    """How far the learner got in the course."""

    completed_sections: int = Field(ge=0)
    total_sections: int = Field(ge=0)


class SessionSummary(BaseModel):
    """A session in the learner's list."""

    session_id: str
    chapter_number: int
    section_number: int
    section_title: str
    session_progress_stage: str | None
    user_type: str
    progress: Progress
    created_at: str
    updated_at: str


class SessionsData(BaseModel):
    """`data` of GET sessions."""

    sessions: list[SessionSummary]


class ConversationLine(BaseModel):
    """A line of the conversation (agents.state.ConversationEntry as the API shows it)."""

    role: Role
    agent: str
    message: str
    created_at: str
    # Only on an assistant turn that did not finish.
    status: Unfinished | None = None


class ActiveRun(BaseModel):
    """The session's lesson or answer still streaming: resume it with this ticket."""

    temp_session_id: str
    kind: Literal["theory", "qna"]


class SessionView(BaseModel):
    """`data` of GET session/<id>: what the learner can see of a session."""

    session_id: str
    chapter_number: int | None
    section_number: int | None
    session_progress_stage: str | None
    user_type: str | None
    theory_content: list[LessonBlock]
    conversation: list[ConversationLine]
    active_run: ActiveRun | None


TurnResponse = envelope("TurnResponse", TurnData)
ChaptersResponse = envelope("ChaptersResponse", ChaptersData)
SessionsResponse = envelope("SessionsResponse", SessionsData)
SessionViewResponse = envelope("SessionViewResponse", SessionView)
