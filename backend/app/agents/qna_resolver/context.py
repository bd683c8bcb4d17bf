"""What a QnA answer is grounded in: the lesson, retrieved materials, recent conversation."""

from __future__ import annotations

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from backend.app.agents.qna_resolver.prompts import LEVELS, SYSTEM_PROMPT
from backend.app.llm.prompt_tags import TASK_QNA_ANSWER, render_material, render_tag
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
    """System + human messages asking for a grounded answer."""
    system = SYSTEM_PROMPT.format(level=LEVELS.get(context.user_type, LEVELS["beginner"]))
    parts = [render_tag("task", TASK_QNA_ANSWER), render_tag("question", context.question)]
    if context.lesson:
        parts.append(render_tag("lesson", context.lesson))
    parts += [render_material(m.title, m.content) for m in context.materials]
    if context.conversation:
        lines = "\n".join(f"{turn['role']}: {turn['message']}" for turn in context.conversation)
        parts.append(render_tag("conversation", lines))
    return [SystemMessage(system), HumanMessage("\n".join(parts))]
