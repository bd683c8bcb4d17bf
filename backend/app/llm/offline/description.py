"""Problem descriptions: sectioned Markdown whose examples are computed by a solver."""

from __future__ import annotations

import random
import re

from backend.app.llm.offline.problem_kinds import (
    DEFAULT_TYPE,
    infer_algorithm_type,
    kind_for,
    normalize_difficulty,
)
from backend.app.llm.offline.problem_template import ProblemTemplate
from backend.app.llm.offline.templates_core import CORE_TEMPLATES
from backend.app.llm.offline.templates_sequence import SEQUENCE_TEMPLATES
from backend.app.llm.offline.templates_text import TEXT_TEMPLATES
from backend.app.llm.offline.text_utils import stable_hash
from backend.app.llm.prompt_tags import find_tag

HEADINGS = ("제목", "문제 설명", "입력 형식", "출력 형식", "제약 조건", "예제", "힌트")
TEMPLATES = {t.key: t for t in (*CORE_TEMPLATES, *TEXT_TEMPLATES, *SEQUENCE_TEMPLATES)}
_EXAMPLE_COUNT = {"easy": 2, "medium": 2, "hard": 3}
_HINT_COUNT = {"easy": 3, "medium": 2, "hard": 1}
_LIMITS = {
    "easy": "시간 제한: 2초",
    "medium": "시간 제한: 1초",
    "hard": "시간 제한: 1초 (효율적인 풀이 필요)",
}
FENCE = "```"


def template_for(algorithm_type: str) -> ProblemTemplate:
    """Return the problem template for an algorithm type (implementation when unknown)."""
    return TEMPLATES.get(kind_for(algorithm_type).key, TEMPLATES[DEFAULT_TYPE])


def example_inputs(template: ProblemTemplate, title: str, difficulty: str) -> list[str]:
    """Return the deterministic example inputs for a problem."""
    inputs: list[str] = []
    for index in range(_EXAMPLE_COUNT[difficulty]):
        rng = random.Random(stable_hash(template.key, title, difficulty, index))
        candidate = template.make_input(rng)
        # Identical examples teach nothing; reseed a few times to vary them.
        for retry in range(1, 5):
            if candidate not in inputs:
                break
            rng = random.Random(stable_hash(template.key, title, difficulty, index, retry))
            candidate = template.make_input(rng)
        inputs.append(candidate)
    return inputs


def compose_description(text: str) -> str:
    """Return the Markdown problem description for the prompt's tags."""
    prompt = find_tag(text, "prompt") or ""
    algorithm_type = find_tag(text, "algorithm_type") or infer_algorithm_type(prompt)
    difficulty = normalize_difficulty(find_tag(text, "difficulty"))
    template = template_for(algorithm_type)
    title = " ".join((find_tag(text, "title") or "").split()).lstrip("# ")
    title = title or template.default_title
    scenario = find_tag(text, "scenario") or prompt
    parts = [f"## 제목\n{title}", _statement(scenario, template)]
    parts.append("## 입력 형식\n" + "\n".join(f"- {line}" for line in template.input_format))
    parts.append(f"## 출력 형식\n{template.output_format}")
    constraints = [*template.constraint_lines(difficulty), _LIMITS[difficulty]]
    parts.append("## 제약 조건\n" + "\n".join(f"- {line}" for line in constraints))
    parts.append(_examples(template, title, difficulty))
    hints = template.hints[: _HINT_COUNT[difficulty]]
    parts.append("## 힌트\n" + "\n".join(f"- {hint}" for hint in hints))
    return "\n\n".join(parts) + "\n"


def _statement(scenario: str, template: ProblemTemplate) -> str:
    # Headings inside the story would break the fixed section order, so demote them.
    story = re.sub(r"^[ \t]*#+[ \t]*", "", scenario, flags=re.MULTILINE).strip()
    if not story:
        return f"## 문제 설명\n{template.statement}"
    return f"## 문제 설명\n{story}\n\n{template.statement}"


def _examples(template: ProblemTemplate, title: str, difficulty: str) -> str:
    sections = ["## 예제"]
    for number, given in enumerate(example_inputs(template, title, difficulty), start=1):
        expected = template.solve(given)
        sections.append(
            f"### 예제 {number}\n"
            f"입력:\n{FENCE}\n{given}\n{FENCE}\n"
            f"출력:\n{FENCE}\n{expected}\n{FENCE}\n"
            f"설명: {template.explain(given, expected)}"
        )
    return "\n\n".join(sections)
