"""Route a conversation to the composer of its ``<task>`` and return the full reply."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.messages import BaseMessage, HumanMessage

from backend.app.llm import prompt_tags as tags
from backend.app.llm.offline.answers import compose_answer
from backend.app.llm.offline.description import compose_description
from backend.app.llm.offline.intents import compose_default_reply, compose_intent
from backend.app.llm.offline.lesson import compose_lesson
from backend.app.llm.offline.problems import compose_analysis, compose_variation
from backend.app.llm.offline.solutions import compose_repair, compose_solution
from backend.app.llm.text import content_text

COMPOSERS: dict[str, Callable[[str], str]] = {
    tags.TASK_THEORY_LESSON: compose_lesson,
    tags.TASK_PROBLEM_ANALYSIS: compose_analysis,
    tags.TASK_PROBLEM_VARIATION: compose_variation,
    tags.TASK_PROBLEM_DESCRIPTION: compose_description,
    tags.TASK_PROBLEM_SOLUTION: compose_solution,
    tags.TASK_PROBLEM_REPAIR: compose_repair,
    tags.TASK_QNA_ANSWER: compose_answer,
    tags.TASK_INTENT_CLASSIFICATION: compose_intent,
}


def prompt_text(messages: Sequence[BaseMessage]) -> str:
    """Return every message's text joined in order: the text the tags are read from."""
    return "\n".join(content_text(message.content) for message in messages)


def compose_reply(messages: Sequence[BaseMessage], stop: list[str] | None = None) -> str:
    """Return the complete reply for the conversation, cut at the first stop sequence."""
    text = prompt_text(messages)
    composer = COMPOSERS.get((tags.find_tag(text, "task") or "").strip().lower())
    if composer is not None:
        reply = composer(text)
    else:
        humans = [m for m in messages if isinstance(m, HumanMessage)]
        last = content_text(humans[-1].content) if humans else ""
        reply = compose_default_reply(tags.strip_tags(last))
    for sequence in stop or []:
        if sequence and sequence in reply:
            reply = reply[: reply.index(sequence)]
    return reply
