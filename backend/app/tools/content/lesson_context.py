"""Everything a lesson prompt needs, prepared before any model call (seed 001's phase 1)."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, field_validator

# The package, not the function: the search is looked up at call time, so a test can
# replace it to play a broken index.
from backend.app import retrieval

log = logging.getLogger(__name__)

UserType = Literal["beginner", "advanced"]
# `bm25`: materials found by the BM25 search; `fallback`: the section's own data.
ContentSource = Literal["bm25", "fallback"]
MATERIALS_PER_LESSON = 4
# The label `bm25` was written `vector` before; tickets and runs stored then still say so.
_OLD_CONTENT_SOURCES = {"vector": "bm25"}


class LessonMaterial(BaseModel):
    """A course material the lesson is grounded in."""

    title: str
    content: str


class LessonContext(BaseModel):
    """The prepared input of one lesson; JSON-serialisable so it can wait in a ticket."""

    chapter_number: int
    section_number: int
    chapter_info: str
    section_title: str
    objectives: list[str]
    key_concepts: list[str]
    summary: str = ""
    materials: list[LessonMaterial] = []
    user_type: UserType = "beginner"
    is_retry_session: bool = False
    content_source: ContentSource = "fallback"

    @field_validator("content_source", mode="before")
    @classmethod
    def _rename_old_label(cls, value: object) -> object:
        return _OLD_CONTENT_SOURCES.get(value, value) if isinstance(value, str) else value


def prepare_lesson_context(
    section, *, user_type: UserType, is_retry_session: bool
) -> LessonContext:
    """Section metadata plus BM25-retrieved materials (`bm25`), or the section data (`fallback`)."""
    base = {
        "chapter_number": section.chapter_number,
        "section_number": section.section_number,
        "chapter_info": section.chapter_info,
        "section_title": section.title,
        "objectives": list(section.objectives),
        "key_concepts": list(section.key_concepts),
        "summary": section.summary,
        "user_type": user_type,
        "is_retry_session": is_retry_session,
    }
    materials = _search_materials(section)
    if materials:
        return LessonContext(**base, materials=materials, content_source="bm25")
    return LessonContext(**base, content_source="fallback")


def _search_materials(section) -> list[LessonMaterial]:
    query = " ".join([section.title, *section.key_concepts])
    try:
        hits = retrieval.search_theory_materials(
            query,
            chapter_number=section.chapter_number,
            section_number=section.section_number,
            top_k=MATERIALS_PER_LESSON,
        )
    except Exception:
        # A broken index must not cost the learner the lesson: fall back to section data.
        log.exception("Retrieval failed; using the section data instead")
        return []
    return [LessonMaterial(title=hit.title, content=hit.content) for hit in hits]
