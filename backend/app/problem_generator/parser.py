"""Parse the streamed Markdown description into a `GeneratedProblem`.

The description is written under fixed headings (제목, 문제 설명, 입력 형식, 출력 형식, 제약 조건,
예제, 힌트) so that it reads well while it streams. Parsing is lenient about what models do
in practice (prose before the first heading, any heading level, a trailing colon, English
heading names, Windows line ends) and strict about what the problem cannot do without.
"""

from __future__ import annotations

import re

from backend.app.domain.problems import GeneratedProblem
from backend.app.problem_generator.examples import parse_examples

# Canonical section -> heading names accepted for it (compared lowercased, spaces removed).
SECTION_NAMES = {
    "title": ("제목", "title", "문제제목"),
    "description": ("문제설명", "설명", "문제", "description", "problem", "problemdescription"),
    "input_format": ("입력형식", "입력", "input", "inputformat"),
    "output_format": ("출력형식", "출력", "output", "outputformat"),
    "constraints": ("제약조건", "제약", "제한", "제한사항", "constraints", "limits"),
    "examples": ("예제", "예시", "입출력예제", "examples", "example", "samples"),
    "hints": ("힌트", "hints", "hint"),
}
REQUIRED = ("description", "input_format", "output_format")
_LOOKUP = {name: key for key, names in SECTION_NAMES.items() for name in names}
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")


class ProblemParseError(ValueError):
    """The description lacks a section the problem cannot do without."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"the description has no {', '.join(missing)} section")
        self.missing = missing


def _section_key(heading: str) -> str | None:
    name = re.sub(r"[\s*_`:：]", "", heading).lower()
    return _LOOKUP.get(name)


def split_sections(text: str) -> dict[str, str]:
    """Canonical section name -> its body; text under other headings stays in the body.

    A heading opens a section only the first time its name appears, so ``### 예제 1`` or a
    second ``### 입력`` inside the examples stays part of the examples.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        # A "# ..." line inside a fenced example is data, never a heading.
        match = None if in_fence else _HEADING.match(line)
        key = _section_key(match.group(2)) if match else None
        if key and key not in sections:
            current = sections[key] = []
        elif current is not None:
            current.append(line)
    return {key: "\n".join(body).strip() for key, body in sections.items()}


def _items(body: str) -> list[str]:
    """The entries of a bulleted (or one-per-line) list."""
    items = [_BULLET.sub("", line).strip() for line in body.split("\n")]
    return [item for item in items if item]


def parse_problem(
    text: str, *, difficulty: str, algorithm_type: str, fallback_title: str = ""
) -> GeneratedProblem:
    """The problem in a whole description; `ProblemParseError` when a required part is missing."""
    sections = split_sections(text)
    missing = [key for key in REQUIRED if not sections.get(key)]
    title = " ".join(sections.get("title", "").split()) or " ".join(fallback_title.split())
    if not title:
        missing.insert(0, "title")
    if missing:
        raise ProblemParseError(missing)
    return GeneratedProblem(
        title=title,
        description=sections["description"],
        input_format=sections["input_format"],
        output_format=sections["output_format"],
        constraints=_items(sections.get("constraints", "")),
        examples=parse_examples(sections.get("examples", "")),
        hints=_items(sections.get("hints", "")),
        difficulty=difficulty,
        algorithm_type=algorithm_type,
    )
