"""LearningSupervisor: decides which agent handles the learner's turn."""

from __future__ import annotations

from typing import Literal

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command

from backend.app.agents.learning_supervisor import prompts
from backend.app.agents.learning_supervisor.intents import classify_message
from backend.app.agents.state import TutorState, add_conversation, conversation_entry, learner_turn

AGENT = "learning_supervisor"


class LearningSupervisor:
    """Routes `theory_streaming` (open a lesson) and `next_step` to the TheoryEducator."""

    def __init__(self, course) -> None:
        self.course = course

    def process(
        self, state: TutorState, config: RunnableConfig
    ) -> Command[Literal["theory_educator", "respond", "__end__"]]:
        """Classify the turn and send it on; the learner-visible state is left untouched."""
        intent = state.get("user_intent") or classify_message(state.get("user_message", ""))
        update = {"user_intent": intent, "current_agent": AGENT}
        if intent == "theory_streaming":
            target = {
                "target_chapter_number": state["chapter_number"],
                "target_section_number": state["section_number"],
            }
            if config.get("configurable", {}).get("streaming"):
                # The lesson streams outside the graph (a producer run); the educator's
                # finalize_streaming_state writes it into this thread when it completes.
                return Command(
                    update={**update, **target, "session_progress_stage": "theory_streaming"},
                    goto=END,
                )
            return Command(update={**update, **target}, goto="theory_educator")
        if intent == "next_step":
            following = self.course.next_section(state["chapter_number"], state["section_number"])
            if following is None:
                return Command(
                    update={**update, "session_progress_stage": "course_completed"}, goto="respond"
                )
            return Command(
                update={
                    **update,
                    "is_retry_session": False,
                    "target_chapter_number": following.chapter_number,
                    "target_section_number": following.section_number,
                },
                goto="theory_educator",
            )
        return Command(update=update, goto="respond")

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
