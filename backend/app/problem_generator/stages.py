"""The two planning stages' replies (analysis, variation): JSON objects read leniently."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from backend.app.domain.problems import MAX_ALGORITHM_TYPE_CHARS

_DECODER = json.JSONDecoder()
DEFAULT_ALGORITHM_TYPE = "implementation"
MAX_KEY_CONCEPTS = 8


@dataclass(frozen=True)
class Analysis:
    """What the problem should exercise."""

    algorithm_type: str
    key_concepts: list[str]
    summary: str


@dataclass(frozen=True)
class Variation:
    """The fresh story the problem is told in."""

    title: str
    scenario: str


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text` (code fences and surrounding prose allowed)."""
    position = text.find("{")
    while position >= 0:
        try:
            value, _ = _DECODER.raw_decode(text, position)
        except ValueError:
            position = text.find("{", position + 1)
            continue
        if isinstance(value, dict):
            return value
        position = text.find("{", position + 1)
    return None


def normalize_algorithm_type(value: object) -> str:
    """A short snake_case-ish label; empty or odd values become ``implementation``."""
    text = re.sub(r"\s+", "_", str(value or "").strip().lower())
    text = re.sub(r"[^\w-]", "", text)[:MAX_ALGORITHM_TYPE_CHARS]
    return text or DEFAULT_ALGORITHM_TYPE


def parse_analysis(text: str, requested_type: str | None) -> Analysis | None:
    """The analysis in a reply, or None when the reply holds no usable object.

    A type the learner asked for always wins over the model's reading of the prompt.
    """
    data = first_json_object(text)
    if data is None:
        return None
    concepts = data.get("key_concepts") or []
    if isinstance(concepts, str):
        concepts = [part.strip() for part in concepts.split(",")]
    if not isinstance(concepts, list):
        return None
    algorithm_type = requested_type or data.get("algorithm_type")
    return Analysis(
        algorithm_type=normalize_algorithm_type(algorithm_type),
        key_concepts=[str(c).strip() for c in concepts if str(c).strip()][:MAX_KEY_CONCEPTS],
        summary=str(data.get("summary") or "").strip(),
    )


def parse_variation(text: str) -> Variation | None:
    """The title and scenario in a reply, or None when either is missing."""
    data = first_json_object(text)
    if data is None:
        return None
    title = " ".join(str(data.get("title") or "").split())
    scenario = str(data.get("scenario") or "").strip()
    if not title or not scenario:
        return None
    return Variation(title=title, scenario=scenario)
