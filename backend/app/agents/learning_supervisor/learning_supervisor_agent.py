"""LearningSupervisor: decides which agent handles the learner's turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command

from backend.app.agents.learning_supervisor import prompts
from backend.app.agents.state import TutorState, add_conversation, conversation_entry, learner_turn
from backend.app.domain.intents import classify_message

AGENT = "learning_supervisor"


class LearningSupervisor:
    """Routes lessons (open, next, easier retry) to the TheoryEducator, questions to the
    QnAResolver, and answers anything else itself.

    With `streaming` (lessons) or `stream_answers` (questions) in the call's config, the
    lesson or answer is not generated in the graph: the supervisor records the intent (and
    for a lesson the stage `theory_streaming`) and ends; the caller prepares the stream,
    and the agent's finalize_streaming_state writes the result into this thread when the
    run completes.
    """

    def __init__(self, course, classify: Callable[[str], str] = classify_message) -> None:
        self.course = course
        self.classify = classify

    def process(
        self, state: TutorState, config: RunnableConfig
    ) -> Command[Literal["theory_educator", "qna_resolver", "respond", "__end__"]]:
        """Classify the turn and send it on; the learner-visible state is left untouched."""
        intent = state.get("user_intent") or self.classify(state.get("user_message", ""))
        update = {"user_intent": intent, "current_agent": AGENT}
        options = config.get("configurable", {})
        streaming = bool(options.get("streaming"))
        if intent == "question":
            # A question leaves the session's stage as it is; a streamed answer is prepared
            # by the caller, which sees the intent.
            return Command(
                update=update, goto=END if options.get("stream_answers") else "qna_resolver"
            )
        lesson = self._lesson_target(state, intent)
        if lesson is None:
            if intent == "next_step":
                update["session_progress_stage"] = "course_completed"
            return Command(update=update, goto="respond")
        if streaming:
            stage = {"session_progress_stage": "theory_streaming"}
            return Command(update={**update, **lesson, **stage}, goto=END)
        return Command(update={**update, **lesson}, goto="theory_educator")

    def _lesson_target(self, state: TutorState, intent: str) -> dict | None:
        """Which section a lesson intent opens (None: no lesson to give)."""
        if intent in ("theory_streaming", "retry_easier"):
            chapter, number = state["chapter_number"], state["section_number"]
        elif intent == "next_step":
            following = self.course.next_section(state["chapter_number"], state["section_number"])
            if following is None:
                return None
            chapter, number = following.chapter_number, following.section_number
        else:
            return None
        return {
            "is_retry_session": intent == "retry_easier",
            "target_chapter_number": chapter,
            "target_section_number": number,
        }

    def respond(self, state: TutorState) -> dict:
        """Answer the learner directly (course finished, or nothing to route)."""
        finished = state.get("session_progress_stage") == "course_completed"
        message = prompts.COURSE_COMPLETED if finished else prompts.UNKNOWN_INTENT
        return {
            "conversation": add_conversation(
                state, *learner_turn(state), conversation_entry("assistant", AGENT, message)
            ),
            "workflow_response": {
                "current_agent": AGENT,
                "session_progress_stage": state.get("session_progress_stage", "theory_completed"),
                "ui_mode": "chat",
                "streaming": False,
                "message": message,
            },
        }
