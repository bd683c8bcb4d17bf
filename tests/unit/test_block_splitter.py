"""BlockSplitter: every block exactly once, the moment its closing brace is fed."""

from __future__ import annotations

import bisect
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.app.streaming.block_splitter import BlockSplitter
from tests.support.lesson_documents import block_spans, lessons, split


def block_ends(document: str, start: int, form: str) -> list[int]:
    """Offsets just past each object element, found with the standard decoder."""
    return [end for _, end in block_spans(document, start, form)]


def run(chunks: list[str]) -> tuple[list[dict], BlockSplitter]:
    """Feed all chunks and close; return every block emitted and the splitter."""
    splitter = BlockSplitter()
    emitted = [block for chunk in chunks for block in splitter.feed(chunk)]
    return emitted + splitter.close(), splitter


@settings(max_examples=200)
@given(lessons(), st.data())
def test_blocks_are_emitted_exactly_when_they_close(lesson, data):
    document, start, form, blocks = lesson
    if data.draw(st.booleans(), label="one char per chunk"):
        chunks = list(document)
    else:
        cuts = data.draw(st.lists(st.integers(0, len(document)), max_size=40), label="cuts")
        chunks = split(document, cuts)
    ends = block_ends(document, start, form)
    splitter, emitted, fed = BlockSplitter(), [], 0
    for chunk in chunks:
        emitted += splitter.feed(chunk)
        fed += len(chunk)
        assert len(emitted) == splitter.blocks_emitted == bisect.bisect_right(ends, fed)
    assert splitter.close() == []
    assert emitted == json.loads(json.dumps(blocks))  # what json.loads makes of each block
    assert splitter.complete
    assert splitter.skipped == 0


@pytest.mark.parametrize("step", [1, 2, 3, 5, 1000])
def test_prose_with_brackets_before_the_array_is_skipped(step):
    document = (
        'Sure! [참고] {예시} {"note": "[x]"} {"blocks": 3} [{}] [1, 2]\n```json\n'
        '[{"block_type": "a", "data": {"s": "}]\\"[{"}}]\n```\n[{"block_type": "late"}]'
    )
    emitted, splitter = run([document[i : i + step] for i in range(0, len(document), step)])
    assert emitted == [{"block_type": "a", "data": {"s": '}]"[{'}}]
    assert splitter.complete


def test_escaped_quotes_and_backslashes_before_braces():
    data = {"a": 'he said "}" and \\', "b": '\\"{', "c": "\\\\]"}
    document = json.dumps([{"block_type": "x", "data": data}, {"block_type": "y"}])
    for cut in range(len(document) + 1):
        emitted, splitter = run([document[:cut], document[cut:]])
        assert emitted == [{"block_type": "x", "data": data}, {"block_type": "y"}]
        assert splitter.complete


@pytest.mark.parametrize("escape", ["\\uD83D\\uDE00", "\\ud83d\\ude00", "😀"])
def test_surrogate_pair_escape_split_anywhere(escape):
    document = '[{"block_type": "e", "data": {"s": "' + escape + '"}}]'
    for cut in range(len(document) + 1):
        for second in range(cut, len(document) + 1, 3):
            emitted, _ = run([document[:cut], document[cut:second], document[second:]])
            assert emitted == [{"block_type": "e", "data": {"s": "😀"}}]


@pytest.mark.parametrize("document", ["[]", "```json\n[ \n ]\n```", '{"blocks": []}', "[참고] []"])
def test_empty_array_is_complete(document):
    emitted, splitter = run(list(document))
    assert (emitted, splitter.complete, splitter.blocks_emitted) == ([], True, 0)


@pytest.mark.parametrize("cut", [0, 5, 40, 50, 51, 60, 83, 84])
def test_truncated_stream_emits_only_finished_blocks(cut):
    document = (
        'Here: [{"block_type": "a", "data": {"t": "\\u00e9"}}, {"block_type": "b", "data": {}}]'
    )
    blocks = [{"block_type": "a", "data": {"t": "é"}}, {"block_type": "b", "data": {}}]
    splitter = BlockSplitter()
    emitted = splitter.feed(document[:cut]) + splitter.close()
    assert emitted == blocks[: bisect.bisect_right([51, 84], cut)]
    assert not splitter.complete
    assert splitter.feed("}]") == []  # closed: later text is ignored


def test_garbage_block_is_skipped_and_scanning_continues():
    document = (
        '[{"block_type": "a"}, {"block_type": "b", "data": {"x": 1,,}}, '
        '{"block_type": "c", "data": ' + "[" * 5000 + "]" * 5000 + '}, {"block_type": "d"}]'
    )
    emitted, splitter = run([document[i : i + 7] for i in range(0, len(document), 7)])
    assert emitted == [{"block_type": "a"}, {"block_type": "d"}]
    assert (splitter.skipped, splitter.blocks_emitted, splitter.complete) == (2, 2, True)


def test_non_object_elements_are_ignored():
    document = (
        '[{"block_type": "a"}, 1, "x]}", [{"block_type": "nested"}], null, {"block_type": "b"}]'
    )
    emitted, _ = run(list(document))
    assert emitted == [{"block_type": "a"}, {"block_type": "b"}]


def test_trailing_prose_after_the_array_is_ignored():
    document = '[{"block_type": "a"}]\n```\n다음엔 [{"block_type": "z"}] {"block_type": "z"}'
    emitted, splitter = run(list(document))
    assert emitted == [{"block_type": "a"}]
    assert splitter.complete


@pytest.mark.parametrize("tail", ["", '\n```\n끝 {"block_type": "z"}'])
def test_bare_sequence_without_array(tail):
    document = (
        'Here:\n{"block_type": "a", "data": {}}\n{"block_type": "b"},{"block_type": "c"}' + tail
    )
    emitted, splitter = run(list(document))
    assert emitted == [{"block_type": "a", "data": {}}, {"block_type": "b"}, {"block_type": "c"}]
    assert splitter.complete


def test_only_the_open_block_is_kept():
    content = "가나다" * 1000
    document = json.dumps(
        [{"block_type": "a"}, {"block_type": "b", "data": {"c": content}}], ensure_ascii=False
    )
    splitter, kept = BlockSplitter(), []
    for i in range(0, len(document), 4):
        splitter.feed(document[i : i + 4])
        kept.append(sum(map(len, splitter._parts)))
    assert max(kept) < len(content) + 40
    assert kept[-1] == 0
