"""The synchronous fallback and the stream read a reply with one grammar: same blocks, same tally."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.app.streaming.block_splitter import BlockSplitter
from backend.app.tools.content.block_intake import BlockTally, accept_blocks
from backend.app.tools.content.json_output import extract_block_list
from backend.app.tools.content.theory_tools import parse_lesson

HEADER = {"block_type": "header", "data": {"chapter_info": "📚 2챕터 1섹션", "title": "LLM이란?"}}
INTRO = {"block_type": "section", "data": {"type": "introduction", "content": "안녕하세요!"}}
# Over the short-text cap: both paths must cut it and count it as trimmed.
LONG_TITLE = {
    "block_type": "section",
    "data": {"type": "examples", "title": "예" * 400, "items": [{"description": "챗봇"}]},
}
INVALID = {"block_type": "video", "data": {}}

_blocks = st.sampled_from([HEADER, INTRO, LONG_TITLE, INVALID]) | st.builds(
    lambda kind, content: {
        "block_type": kind,
        "data": {"type": "introduction", "content": content},
    },
    st.sampled_from(["section", "header", "x"]),
    st.text(max_size=6),
)
_not_objects = st.one_of(st.integers(), st.text(max_size=4), st.lists(st.integers(), max_size=2))
# Prose a model writes before the JSON, the "참고 [1, 2]" among it.
_PROSE = ["참고 [1, 2] ...", "[참고]", "{예시}", '{"note": 1}', '{"blocks": 3}', "[{}]", "Sure!"]
_prose = st.lists(st.sampled_from(_PROSE) | st.text(max_size=6), max_size=4).map(" ".join)
_TRAILING = ["", "\n", '\n끝! [{"x": 1}] {"block_type": "no"}']


@st.composite
def replies(draw) -> str:
    """A whole reply: prose, maybe a fence, the blocks in one of the forms, maybe more text."""
    form = draw(st.sampled_from(["array", "wrapper", "bare", "none"]))
    blocks = draw(st.lists(_blocks, min_size=1, max_size=5))
    elements = list(blocks)
    for extra in draw(st.lists(_not_objects, max_size=2)):
        elements.insert(draw(st.integers(1, len(elements))), extra)
    indent = draw(st.sampled_from([None, 2]))
    ascii_only = draw(st.booleans())
    if form == "array":
        body = json.dumps(elements, indent=indent, ensure_ascii=ascii_only)
    elif form == "wrapper":
        body = json.dumps({"blocks": elements}, indent=indent, ensure_ascii=ascii_only)
    elif form == "bare":
        body = ",\n".join(json.dumps(block, ensure_ascii=ascii_only) for block in blocks)
    else:
        body = "죄송해요, 지금은 답할 수 없어요."
    fenced = draw(st.booleans())
    head = draw(_prose) + ("\n```json\n" if fenced else "\n")
    tail = ("\n```" if fenced else "") + draw(st.sampled_from(_TRAILING))
    return head + body + tail


def streamed(chunks: list[str]) -> tuple[list[dict], list[dict], BlockTally]:
    """What the stream path finds in the chunks: raw blocks, accepted blocks, their tally."""
    splitter, raw, tally = BlockSplitter(), [], BlockTally()
    for chunk in chunks:
        raw += splitter.feed(chunk)
    raw += splitter.close()
    return raw, list(accept_blocks(raw, tally)), tally


@settings(max_examples=150, deadline=None, derandomize=True)
@given(replies(), st.data())
def test_sync_fallback_accepts_what_the_stream_accepts(reply, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(reply)), max_size=20), label="cuts")))
    edges = [0, *cuts, len(reply)]
    chunks = [reply[a:b] for a, b in itertools.pairwise(edges) if b > a]
    raw, accepted, stream_tally = streamed(chunks)
    sync_tally = BlockTally()
    assert extract_block_list(reply) == raw
    assert parse_lesson(reply, sync_tally) == accepted
    assert sync_tally == stream_tally


def test_numbered_prose_before_the_blocks_is_skipped():
    reply = "참고 [1, 2] 아래가 수업이에요.\n" + json.dumps([HEADER, INTRO], ensure_ascii=False)
    assert extract_block_list(reply) == [HEADER, INTRO]
    assert parse_lesson(reply) == [HEADER, INTRO]
