"""TheoryEducator: the synchronous lesson, and the two halves of a streamed one."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.agents.learning_supervisor.prompts import LESSON_READY
from backend.app.agents.state import (
    TutorState,
    add_conversation,
    conversation_entry,
    learner_turn,
    thread_config,
)
from backend.app.agents.streaming_agent import StreamingAgent
from backend.app.agents.theory_educator.prompts import LESSON_CANCELLED, LESSON_FAILED
from backend.app.domain.tickets import PreparedStream, StreamRequest, StreamTicket
from backend.app.tools.content.lesson_context import prepare_lesson_context
from backend.app.tools.content.theory_prompts import ESTIMATED_BLOCKS
from backend.app.tools.content.theory_tools import theory_generation_tool

AGENT = "theory_educator"


class TheoryEducator(StreamingAgent):
    """Writes the lesson of the target section and commits it to the session in one update."""

    def __init__(self, course, model: BaseChatModel, tickets=None, ticket_ttl: float = 60) -> None:
        super().__init__(model, tickets, ticket_ttl)
        self.course = course

    def process(self, state: TutorState) -> dict:
        """Generate the lesson synchronously (the non-streaming path and the fallback).

        Raises GenerationFailed / ModelUnavailable without touching the session, so a
        failed lesson leaves the previous one in place.
        """
        section = self._target(state)
        context = prepare_lesson_context(
            section,
            user_type=state.get("user_type", "beginner"),
            is_retry_session=state.get("is_retry_session", False),
        )
        blocks = theory_generation_tool(context, self.model)
        return lesson_update(
            state, section, blocks, context.content_source, state.get("user_message", "")
        )

    def process_streaming_state(
        self, request: StreamRequest, state: TutorState | None = None
    ) -> PreparedStream:
        """Prepare a streamed lesson: its context (no model call) and the ticket to claim it.

        The section and the learner's level come from the checkpointed state: `state`
        when the caller has just saved it, else read back. The ticket goes back to the
        caller only, never into the TutorState.
        """
        if state is None:
            state = self.session_state(request.session_id)
        section = self._target(state)
        context = prepare_lesson_context(
            section,
            user_type=state.get("user_type", "beginner"),
            is_retry_session=state.get("is_retry_session", False),
        )
        ticket = self.issue_ticket(request, context)
        return PreparedStream(temp_session_id=ticket, estimated_blocks=ESTIMATED_BLOCKS)

    def finalize_streaming_state(self, ticket: StreamTicket, final_content: dict) -> dict:
        """Write the streamed lesson (or what was delivered of it) into the TutorState."""
        config = thread_config(ticket.session_id)
        state = self.session_state(ticket.session_id)
        section = self._target(state)
        blocks = final_content["blocks"]
        message = ticket.user_message
        context_source = ticket.context["content_source"]
        if final_content["status"] == "completed":
            update = lesson_update(state, section, blocks, context_source, message)
        else:
            note = LESSON_CANCELLED if final_content["status"] == "cancelled" else LESSON_FAILED
            stage = (
                "theory_cancelled" if final_content["status"] == "cancelled" else "theory_failed"
            )
            update = {
                "current_agent": AGENT,
                "session_progress_stage": stage,
                "theory_content": blocks,
                "conversation": add_conversation(
                    state,
                    *learner_turn({"user_message": message}),
                    conversation_entry(
                        "assistant",
                        AGENT,
                        note.format(delivered=len(blocks)),
                        final_content["status"],
                    ),
                ),
            }
        self.graph.update_state(config, update, as_node=AGENT)
        return {**state, **update}

    def _target(self, state: TutorState):
        chapter, number = state["target_chapter_number"], state["target_section_number"]
        section = self.course.section(chapter, number)
        if section is None:
            raise ValueError(f"TheoryEducator got an unknown section {chapter}-{number}")
        return section


def lesson_update(
    state: TutorState, section, blocks: list[dict], content_source: str, message: str
) -> dict:
    """The state change of a finished lesson, the same whether it streamed or not."""
    chapter, number = section.chapter_number, section.section_number
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
        "content_source": content_source,
        "completed_sections": completed,
        "conversation": add_conversation(
            state,
            *learner_turn({"user_message": message}),
            conversation_entry("assistant", AGENT, summary),
        ),
        "workflow_response": {
            "current_agent": AGENT,
            "session_progress_stage": "theory_completed",
            "ui_mode": "lesson",
            "streaming": False,
            "theory_content": blocks,
        },
    }
