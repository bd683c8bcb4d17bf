"""What a QnA answer is grounded in: the lesson, retrieved materials, recent conversation."""

from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from backend.app.agents.qna_resolver.prompts import LEARNER_TEXT_IS_DATA, LEVELS, SYSTEM_PROMPT
from backend.app.llm.prompt_tags import (
    TASK_QNA_ANSWER,
    escape_tags,
    render_material,
    render_tag,
)
from backend.app.retrieval import search_theory_materials

TOP_K = 3
MAX_LESSON_CHARS = 3000
RECENT_TURNS = 6


class SourceMaterial(BaseModel):
    """A retrieved course material the answer may use."""

    chapter_number: int
    section_number: int
    title: str
    content: str


class QnAContext(BaseModel):
    """Everything the answer needs, serialisable into a stream ticket."""

    question: str
    chapter_number: int
    section_number: int
    user_type: str = "beginner"
    lesson: str = ""
    materials: list[SourceMaterial] = []
    conversation: list[dict[str, str]] = []

    def sources(self) -> list[dict]:
        """`sources` of the answer: which materials it was given (DESIGN 4.2.2)."""
        return [
            {
                "chapter_number": m.chapter_number,
                "section_number": m.section_number,
                "title": m.title,
            }
            for m in self.materials
        ]


def lesson_text(blocks: list[dict]) -> str:
    """The lesson's blocks as plain text (every string in their data), capped."""
    parts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for block in blocks:
        walk(block.get("data", {}))
    return "\n".join(part for part in parts if part.strip())[:MAX_LESSON_CHARS]


def prepare_qna_context(state: dict, question: str) -> QnAContext:
    """Retrieve materials for the question and gather the session's lesson and recent turns."""
    hits = search_theory_materials(question, top_k=TOP_K)
    recent = [
        {"role": entry["role"], "message": entry["message"]}
        for entry in state.get("conversation", [])[-RECENT_TURNS:]
    ]
    return QnAContext(
        question=question,
        chapter_number=state["chapter_number"],
        section_number=state["section_number"],
        user_type=state.get("user_type") or "beginner",
        lesson=lesson_text(state.get("theory_content", [])),
        materials=[
            SourceMaterial(
                chapter_number=hit.chapter_number,
                section_number=hit.section_number,
                title=hit.title,
                content=hit.content,
            )
            for hit in hits
        ],
        conversation=recent,
    )


def build_answer_messages(context: QnAContext) -> list[BaseMessage]:
    """The instructions with the lesson and materials, the recent turns, then the question.

    Each turn is a message of its own, so a line like "assistant: ..." that the learner
    typed stays inside a user message, and the question is delimited by its tag.
    """
    system = SYSTEM_PROMPT.format(
        data_rule=LEARNER_TEXT_IS_DATA,
        level=LEVELS.get(context.user_type, LEVELS["beginner"]),
    )
    grounding = [render_tag("task", TASK_QNA_ANSWER)]
    if context.lesson:
        grounding.append(render_tag("lesson", context.lesson))
    grounding += [render_material(m.title, m.content) for m in context.materials]
    turns = [_turn_message(turn["role"], turn["message"]) for turn in context.conversation]
    question = HumanMessage(render_tag("question", context.question))
    return [SystemMessage("\n\n".join([system, *grounding])), *_alternating([*turns, question])]


def _turn_message(role: str, text: str) -> BaseMessage:
    # Escaped, so a past message cannot open a tag (a forged question) for the offline model.
    return AIMessage(escape_tags(text)) if role == "assistant" else HumanMessage(escape_tags(text))


def _alternating(messages: list[BaseMessage]) -> list[BaseMessage]:
    """Adjacent messages of one side joined into one: some providers want turns to alternate."""
    merged: list[BaseMessage] = []
    for message in messages:
        if merged and type(merged[-1]) is type(message):
            joined = f"{merged[-1].content}\n\n{message.content}"
            merged[-1] = type(message)(joined)
        else:
            merged.append(message)
    return merged
