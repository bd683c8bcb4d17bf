"""The text of the block being written (DESIGN 4.2.3), for every prefix of any lesson.

The reference is independent of the splitter: pydantic-core's partial JSON parser
(`allow_partial="trailing-strings"`) reads the block's text so far, and the DESIGN rule
(string values in document order, without those of `block_type` and `type`, joined by
"\\n") is applied to what it returns.
"""

from __future__ import annotations

import time

import pydantic_core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.app.streaming.block_preview import EXCLUDED_KEYS, BlockPreview
from backend.app.streaming.block_splitter import BlockSplitter
from tests.support.lesson_documents import block_spans, lessons, split


def design_text(value) -> str:
    """DESIGN 4.2.3's text of a (partial) block, as parsed."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                if key not in EXCLUDED_KEYS:
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return "\n".join(found)


def reference_text(partial_block: str) -> str | None:
    """The text of a block cut anywhere; None where the cut is inside a bare literal."""
    try:
        parsed = pydantic_core.from_json(partial_block, allow_partial="trailing-strings")
    except ValueError:
        return None  # e.g. cut inside `tru`: nothing to compare at this prefix
    return design_text(parsed)


@settings(max_examples=150)
@given(lessons(), st.data())
def test_the_preview_is_the_design_text_of_the_partial_block_at_every_prefix(lesson, data):
    document, start, form, _ = lesson
    spans = block_spans(document, start, form)
    if data.draw(st.booleans(), label="one char per chunk"):
        chunks = list(document)
    else:
        cuts = data.draw(st.lists(st.integers(0, len(document)), max_size=40), label="cuts")
        chunks = split(document, cuts)
    splitter, fed = BlockSplitter(), 0
    for chunk in chunks:
        splitter.feed(chunk)
        fed += len(chunk)
        open_block = next(((a, b) for a, b in spans if a < fed < b), None)
        if open_block is None:
            continue
        expected = reference_text(document[open_block[0] : fed])
        if expected is None:
            continue
        # Until the opening `[{"` is whole the splitter has no block yet: nothing to show.
        preview = splitter.preview
        assert (preview.text if preview else "") == expected, document[open_block[0] : fed]
        assert preview is None or preview.length == len(expected)


@pytest.mark.parametrize(
    ("raw", "text", "block_type"),
    [
        ('{"block_type": "section", "data": {"type": "introduction", "content": "안녕"', "안녕", "section"),
        ('{"block_type": "header", "data": {"title": "a\\nb \\"c\\" \\ud83d\\ude00', 'a\nb "c" 😀', "header"),
        ('{"block_type": "se', "", None),
        ('{"data": {"items": ["x", {"type": {"deep": "hidden"}, "t": "y"}], "n": 1, "e": ""', "x\ny\n", None),
        ('{"data": {"a": "lone \\ud83d then"', "lone \ufffd then", None),
    ],
)  # fmt: skip
def test_examples_of_preview_text(raw, text, block_type):
    preview = BlockPreview(1)
    for char in raw:  # one character at a time: escapes arrive in pieces
        preview.feed(char)
    assert preview.text == text
    assert preview.block_type == block_type


def _feed_seconds(characters: int) -> float:
    block = '{"block_type": "section", "data": {"content": "' + "가나다 \\n" * (characters // 6)
    splitter = BlockSplitter()
    began = time.perf_counter()
    for start in range(0, len(block), 3):
        splitter.feed(block[start : start + 3])
    text = splitter.preview.text
    assert len(text) > characters // 2
    return time.perf_counter() - began


def test_preview_cost_is_linear_in_the_block_length():
    # Quadratic work (re-reading the block at each chunk) would make 4x the text cost 16x.
    small = min(_feed_seconds(20_000) for _ in range(3))
    large = min(_feed_seconds(80_000) for _ in range(3))
    assert large < small * 8, (small, large)
