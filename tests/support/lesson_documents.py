"""Generated lesson documents as models write them, for the splitter and preview tests.

`lessons()` draws a document (prose, a code fence, the blocks as an array, a
`{"blocks": [...]}` wrapper or a bare sequence, with nasty strings) and what it holds;
`split` cuts it into chunks anywhere; `block_spans` says where each block object lies.
"""

from __future__ import annotations

import itertools
import json

from hypothesis import strategies as st

_NASTY = [*'"\\{}[]:,\n\t/ ', "가", "한", "글", "😀", "🎉", "\u2028", "\x00", "\x1f", "é"]
_text = st.text(st.sampled_from(_NASTY) | st.characters(exclude_categories=("Cs",)), max_size=12)
# Models write standard JSON: no NaN or Infinity.
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
_blocks = st.builds(
    lambda kind, data: {"block_type": kind, "data": data},
    _text,
    st.dictionaries(_text, _values, max_size=4),
)
_not_objects = _scalars | st.lists(_values, max_size=3)

# None of these pieces opens the blocks, even next to each other (none ends in '[' or '{').
_PROSE = [
    "Sure! Here is the lesson:", "[참고]", "{예시}", "[1, 2]", '{"note": "a"}', '{"blocks": 3}',
    '{"block": 1}', '{"block_types": 1}', "[{}]", "[[x", "{ x", '{ "blo cks": [ 1', "[링크](u)",
    '"', "\\", "😀",
]  # fmt: skip
_prose = st.lists(
    st.sampled_from(_PROSE) | st.text(st.characters(exclude_characters="[]{}"), max_size=8),
    max_size=5,
).map(lambda pieces: " ".join(pieces) + " 여기 있어요:\n" if pieces else "")
_TRAILING = ["", "\n", '\n끝! 도움이 되었나요? [{"x": 1}] {"block_type": "no"}']


@st.composite
def lessons(draw):
    """(document, where the JSON starts, its form, the blocks it holds in order)."""
    form = draw(st.sampled_from(["array", "wrapper", "bare"]))
    blocks = draw(st.lists(_blocks, min_size=1 if form == "bare" else 0, max_size=6))
    elements = list(blocks)
    # A bare array is recognised by '[{"', so it must begin with an object.
    if form == "wrapper" or (form == "array" and blocks):
        for extra in draw(st.lists(_not_objects, max_size=3)):
            low = 1 if form == "array" else 0
            elements.insert(draw(st.integers(low, len(elements))), extra)
    dumps = {
        "ensure_ascii": draw(st.booleans()),
        "indent": draw(st.sampled_from([None, 2, "\t"])),
    }
    if form == "array":
        body = json.dumps(elements, **dumps)
    elif form == "wrapper":
        body = json.dumps({"blocks": elements}, **dumps)
    else:
        separator = draw(st.sampled_from(["\n", ",\n", ", ", ""]))
        body = separator.join(json.dumps(block, **dumps) for block in blocks)
    fenced = draw(st.booleans())
    head = draw(_prose) + ("```json\n" if fenced else "")
    tail = ("\n```" if fenced else "") + draw(st.sampled_from(_TRAILING))
    return head + body + tail, len(head), form, blocks


def split(document: str, cuts: list[int]) -> list[str]:
    """The document cut at the given offsets."""
    edges = [0, *sorted(set(cuts)), len(document)]
    return [document[a:b] for a, b in itertools.pairwise(edges) if b > a]


def block_spans(document: str, start: int, form: str) -> list[tuple[int, int]]:
    """(start, end) of each object element, found with the standard decoder."""
    decoder, position, spans = json.JSONDecoder(), start, []
    if form != "bare":
        position = document.index("[", start) + 1
    while True:
        while position < len(document) and document[position] in " \t\r\n,":
            position += 1
        if position == len(document) or document[position] not in '{["-0123456789tfn':
            return spans
        begin = position
        value, position = decoder.raw_decode(document, position)
        if isinstance(value, dict):
            spans.append((begin, position))
