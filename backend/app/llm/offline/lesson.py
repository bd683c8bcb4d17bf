"""Theory lessons: a JSON array of header, introduction, definition and examples blocks."""

from __future__ import annotations

import json

from backend.app.llm.offline.lesson_blocks import (
    definition_block,
    examples_block,
    header_block,
    introduction_block,
)
from backend.app.llm.offline.lesson_spec import LessonSpec, read_spec
from backend.app.llm.prompt_tags import find_tag

BLOCK_ORDER = ("header", "introduction", "definition", "examples")


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
