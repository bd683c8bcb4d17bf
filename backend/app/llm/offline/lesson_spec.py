"""What the lesson prompt says about the section to teach, read from its tags."""

from __future__ import annotations

from dataclasses import dataclass

from backend.app.llm.offline.text_utils import split_sentences, with_josa
from backend.app.llm.prompt_tags import find_all_materials, find_bool, find_lines, find_tag


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
