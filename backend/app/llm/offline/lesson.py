"""Theory lessons: a JSON array of header, introduction, definition and examples blocks."""

from __future__ import annotations

import json
from dataclasses import dataclass

from backend.app.llm.offline.lesson_blocks import (
    definition_block,
    examples_block,
    header_block,
    introduction_block,
)
from backend.app.llm.offline.text_utils import split_sentences, with_josa
from backend.app.llm.prompt_tags import (
    find_all_materials,
    find_bool,
    find_lines,
    find_tag,
)

BLOCK_ORDER = ("header", "introduction", "definition", "examples")


@dataclass(frozen=True)
class LessonSpec:
    """Everything the lesson prompt says about the section to teach."""

    chapter: str
    section: str
    title: str
    objectives: list[str]
    key_concepts: list[str]
    style: str  # beginner | advanced | retry
    materials: list[tuple[str, str]]

    @property
    def concept(self) -> str:
        """Return the main concept: the first key concept, else the section title."""
        return self.key_concepts[0] if self.key_concepts else self.title

    def sentences(self) -> list[str]:
        """Return the material sentences in order, or sentences built from the outline."""
        found = [s for _, text in self.materials for s in split_sentences(text)]
        return found or self._outline_sentences()

    def _outline_sentences(self) -> list[str]:
        # Without materials the outline (title, concepts, objectives) is all we know.
        concepts = ", ".join(self.key_concepts) or self.title
        lines = [f"{with_josa(self.title, '은/는')} {concepts}에 관한 내용을 다루는 주제예요."]
        lines += [
            f"{with_josa(concept, '은/는')} {self.title}에서 꼭 알아야 할 핵심 개념이에요."
            for concept in self.key_concepts
        ]
        lines += [f"이번 섹션의 목표: {objective}." for objective in self.objectives]
        return lines


def read_spec(text: str) -> LessonSpec:
    """Return the lesson spec from the prompt's tags, with safe defaults."""
    title = find_tag(text, "section_title") or "오늘의 주제"
    user_type = (find_tag(text, "user_type") or "beginner").lower()
    if find_bool(text, "is_retry"):
        style = "retry"
    else:
        style = "advanced" if user_type == "advanced" else "beginner"
    return LessonSpec(
        chapter=find_tag(text, "chapter_number") or "1",
        section=find_tag(text, "section_number") or "1",
        title=title,
        objectives=find_lines(text, "objectives"),
        key_concepts=find_lines(text, "key_concepts", split_commas=True),
        style=style,
        materials=find_all_materials(text),
    )


def build_blocks(spec: LessonSpec) -> list[dict]:
    """Return the four lesson blocks, in order."""
    sentences = spec.sentences()
    definition, used = definition_block(spec, sentences)
    return [
        header_block(spec),
        introduction_block(spec),
        definition,
        examples_block(spec, sentences[used:]),
    ]


def block_kind(block: object) -> str | None:
    """Return header, introduction, definition or examples for a block, else None."""
    if not isinstance(block, dict):
        return None
    if block.get("block_type") == "header":
        return "header"
    data = block.get("data")
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if kind in BLOCK_ORDER else None


def sent_kinds(text: str) -> set[str]:
    """Return the kinds of the blocks listed in ``<blocks_already_sent>`` (empty if none)."""
    raw = find_tag(text, "blocks_already_sent")
    if not raw:
        return set()
    try:
        sent = json.loads(raw)
    except ValueError:
        # A garbled list cannot be trusted; writing every block is the safe fallback.
        return set()
    if not isinstance(sent, list):
        return set()
    return {kind for kind in map(block_kind, sent) if kind}


def compose_lesson(text: str) -> str:
    """Return the lesson as a pretty-printed JSON array, minus blocks already sent."""
    skip = sent_kinds(text)
    blocks = [block for block in build_blocks(read_spec(text)) if block_kind(block) not in skip]
    return json.dumps(blocks, ensure_ascii=False, indent=2)
