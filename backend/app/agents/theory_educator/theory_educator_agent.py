"""TheoryEducator: the synchronous lesson, and the hooks of the streamed one."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.agents.learning_supervisor.prompts import LESSON_READY
from backend.app.agents.state import TutorState, add_conversation, conversation_entry, learner_turn
from backend.app.tools.content.lesson_context import prepare_lesson_context
from backend.app.tools.content.theory_tools_chatgpt import theory_generation_tool

AGENT = "theory_educator"


class TheoryEducator:
    """Writes the lesson of the target section and commits it to the session in one update."""

    def __init__(self, course, model: BaseChatModel) -> None:
        self.course = course
        self.model = model

    def process(self, state: TutorState) -> dict:
        """Generate the lesson synchronously (the non-streaming path and the fallback).

        Raises GenerationFailed / ModelUnavailable without touching the session, so a
        failed lesson leaves the previous one in place.
        """
        chapter, number = state["target_chapter_number"], state["target_section_number"]
        section = self.course.section(chapter, number)
        if section is None:
            raise ValueError(f"TheoryEducator got an unknown section {chapter}-{number}")
        context = prepare_lesson_context(
            section,
            user_type=state.get("user_type", "beginner"),
            is_retry_session=state.get("is_retry_session", False),
        )
        blocks = theory_generation_tool(context, self.model)
        completed = [*state.get("completed_sections", [])]
        if [chapter, number] not in completed:
            completed.append([chapter, number])
        summary = LESSON_READY.format(chapter_info=section.chapter_info, title=section.title)
        return {
            "chapter_number": chapter,
            "section_number": number,
            "current_agent": AGENT,
            "session_progress_stage": "theory_completed",
            "theory_content": blocks,
            "content_source": context.content_source,
            "completed_sections": completed,
            "conversation": add_conversation(
                state, *learner_turn(state), conversation_entry("assistant", AGENT, summary)
            ),
            "workflow_response": {
                "current_agent": AGENT,
                "session_progress_stage": "theory_completed",
                "ui_mode": "lesson",
                "streaming": False,
                "theory_content": blocks,
            },
        }

    def process_streaming_state(self, temp_session_data: dict[str, Any]) -> dict[str, Any]:
        """Prepare the session for a streamed lesson (built with theory streaming)."""
        raise NotImplementedError("Theory streaming is not built yet; lessons are synchronous.")

    def finalize_streaming_state(
        self, temp_session_data: dict[str, Any], final_content: dict[str, Any]
    ) -> dict[str, Any]:
        """Commit a streamed lesson to the session (built with theory streaming)."""
        raise NotImplementedError("Theory streaming is not built yet; lessons are synchronous.")
