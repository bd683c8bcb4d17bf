"""The `data` of a learning turn, and the workflow responses of streamed turns."""

from __future__ import annotations

from backend.app.domain.tickets import PreparedStream


def turn_result(session_id: str, state: dict, workflow_response: dict | None = None) -> dict:
    """Where the session stands and what the client does next."""
    return {
        "session_info": {
            "session_id": session_id,
            "chapter_number": state["chapter_number"],
            "section_number": state["section_number"],
        },
        "workflow_response": workflow_response or state["workflow_response"],
    }


def streamed_lesson(prepared: PreparedStream, **extra) -> dict:
    """A lesson to read from theory-stream/<temp_session_id> (DESIGN 4.2), plus `extra`."""
    return {
        "current_agent": "learning_supervisor",
        "session_progress_stage": "theory_streaming",
        "ui_mode": "streaming",
        "streaming": True,
        "temp_session_id": prepared.temp_session_id,
        "estimated_blocks": prepared.estimated_blocks,
        **extra,
    }


def streamed_lesson_result(session_id: str, state: dict, prepared: PreparedStream, **extra) -> dict:
    """The `data` of a turn whose lesson streams: the session_info names the section being
    streamed, not the one being left."""
    streaming = {
        **state,
        "chapter_number": state["target_chapter_number"],
        "section_number": state["target_section_number"],
    }
    return turn_result(session_id, streaming, streamed_lesson(prepared, **extra))


def streamed_answer(prepared: PreparedStream) -> dict:
    """An answer to read from qna-stream/<temp_session_id> (DESIGN 4.2.2)."""
    return {
        "current_agent": "qna_resolver",
        "ui_mode": "chat",
        "streaming": True,
        "temp_session_id": prepared.temp_session_id,
    }
