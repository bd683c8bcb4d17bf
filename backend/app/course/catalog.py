"""The shipped course: read-only models and a loader that checks the data files agree."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

COURSE_DIR = Path(__file__).resolve().parent.parent / "data" / "course"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[int, Field(ge=1)]


class CourseDataError(RuntimeError):
    """The course files are missing, malformed or disagree with each other."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Material(_Frozen):
    """One explanatory text of a section, the unit that retrieval returns."""

    material_id: Annotated[str, StringConstraints(pattern=r"^ch\d+_s\d+_m\d+$")]
    title: Text
    content: Text


class Section(_Frozen):
    """One lesson: its goals, key concepts, summary and materials."""

    chapter_number: Number
    section_number: Number
    title: Text
    objectives: tuple[Text, ...] = Field(min_length=1)
    key_concepts: tuple[Text, ...] = Field(min_length=1)
    summary: Text
    materials: tuple[Material, ...] = Field(min_length=1)

    @property
    def chapter_info(self) -> str:
        """Return the position label shown to the learner, e.g. "📚 1챕터 2섹션"."""
        return f"📚 {self.chapter_number}챕터 {self.section_number}섹션"


class Chapter(_Frozen):
    """A chapter and its sections, in order."""

    chapter_number: Number
    title: Text
    sections: tuple[Section, ...] = Field(min_length=1)


class _OutlineSection(_Frozen):
    section_number: Number
    title: Text


class _OutlineChapter(_Frozen):
    chapter_number: Number
    title: Text
    sections: tuple[_OutlineSection, ...] = Field(min_length=1)


class _Outline(_Frozen):
    chapters: tuple[_OutlineChapter, ...] = Field(min_length=1)


class Course(_Frozen):
    """The whole course, chapters in order."""

    chapters: tuple[Chapter, ...] = Field(min_length=1)

    def outline(self) -> list[dict[str, Any]]:
        """Return chapter and section numbers and titles, without the lesson content."""
        return [
            {
                "chapter_number": chapter.chapter_number,
                "title": chapter.title,
                "sections": [
                    {"section_number": section.section_number, "title": section.title}
                    for section in chapter.sections
                ],
            }
            for chapter in self.chapters
        ]

    def section(self, chapter_number: int, section_number: int) -> Section | None:
        """Return one section, or None when the course has no such section."""
        for section in self.all_sections():
            if (section.chapter_number, section.section_number) == (chapter_number, section_number):
                return section
        return None

    def next_section(self, chapter_number: int, section_number: int) -> Section | None:
        """Return the section after this one, crossing into the next chapter; None at the end."""
        sections = self.all_sections()
        for position, section in enumerate(sections[:-1]):
            if (section.chapter_number, section.section_number) == (chapter_number, section_number):
                return sections[position + 1]
        return None

    def all_sections(self) -> list[Section]:
        """Return every section in course order."""
        return [section for chapter in self.chapters for section in chapter.sections]

    def all_materials(self) -> list[tuple[Section, Material]]:
        """Return every material with its section, in course order."""
        return [
            (section, material) for section in self.all_sections() for material in section.materials
        ]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CourseDataError(f"course file missing: {path.name}") from exc
    except json.JSONDecodeError as exc:
        raise CourseDataError(f"course file {path.name} is not valid JSON: {exc}") from exc


def _check_numbering(items: list[int], what: str) -> None:
    # Numbers are shown to learners and used in URLs, so they must run 1, 2, 3... without gaps.
    if items != list(range(1, len(items) + 1)):
        raise CourseDataError(f"{what} must be numbered 1..{len(items)}, found {items}")


def _load_section(directory: Path, chapter_number: int, entry: _OutlineSection) -> Section:
    name = f"ch{chapter_number}_s{entry.section_number}.json"
    try:
        section = Section.model_validate(_read_json(directory / "sections" / name))
    except ValidationError as exc:
        raise CourseDataError(f"{name} is invalid: {exc}") from exc
    if (section.chapter_number, section.section_number) != (chapter_number, entry.section_number):
        raise CourseDataError(f"{name} declares {section.chapter_info}")
    if section.title != entry.title:
        raise CourseDataError(
            f"{name} title {section.title!r} differs from the outline's {entry.title!r}"
        )
    prefix = f"ch{chapter_number}_s{entry.section_number}_m"
    ids = [material.material_id for material in section.materials]
    if ids != [f"{prefix}{position}" for position in range(1, len(ids) + 1)]:
        raise CourseDataError(f"{name} material ids must be {prefix}1, {prefix}2, ... found {ids}")
    return section


def load_course(directory: Path = COURSE_DIR) -> Course:
    """Read and validate the outline and every section file; raise CourseDataError on mismatch."""
    try:
        outline = _Outline.model_validate(_read_json(directory / "outline.json"))
    except ValidationError as exc:
        raise CourseDataError(f"outline.json is invalid: {exc}") from exc
    _check_numbering([chapter.chapter_number for chapter in outline.chapters], "chapters")
    chapters = []
    for entry in outline.chapters:
        numbers = [section.section_number for section in entry.sections]
        _check_numbering(numbers, f"sections of chapter {entry.chapter_number}")
        sections = tuple(
            _load_section(directory, entry.chapter_number, item) for item in entry.sections
        )
        chapters.append(
            Chapter(chapter_number=entry.chapter_number, title=entry.title, sections=sections)
        )
    listed = {
        f"ch{s.chapter_number}_s{s.section_number}.json" for c in chapters for s in c.sections
    }
    extra = sorted({path.name for path in (directory / "sections").glob("*.json")} - listed)
    if extra:
        raise CourseDataError(f"section files not in outline.json: {', '.join(extra)}")
    return Course(chapters=tuple(chapters))


@cache
def get_course() -> Course:
    """Return the shipped course, loaded and validated once per process."""
    return load_course()
