"""Lesson blocks: validation per type, extraction from whole replies, server numbering."""

import json

import pytest

from backend.app.tools.content.blocks import number_blocks, validate_block
from backend.app.tools.content.json_output import extract_block_list
from backend.app.tools.content.theory_tools import parse_lesson
from tests.support.lessons import EXAMPLES, HEADER, INTRO, LESSON


@pytest.mark.parametrize("block", LESSON, ids=["header", "introduction", "definition", "examples"])
def test_each_seed_block_shape_is_valid(block):
    assert validate_block(block) == block


@pytest.mark.parametrize(
    "block",
    [
        None,
        "text",
        {"block_type": "header", "data": {"title": "no chapter info"}},
        {"block_type": "section", "data": {"type": "unknown", "content": "x"}},
        {"block_type": "section", "data": {"type": "examples", "title": "t", "items": []}},
        {"block_type": "section", "data": {"type": "introduction", "content": ""}},
        {"block_type": "video", "data": {}},
        {"data": {"type": "introduction", "content": "x"}},
    ],
)
def test_invalid_blocks_are_rejected(block):
    assert validate_block(block) is None


def test_extra_keys_from_the_model_are_dropped():
    block = {**INTRO, "data": {**INTRO["data"], "mood": "happy"}, "block_id": 99}
    assert validate_block(block) == INTRO


def test_server_numbers_blocks_and_ignores_model_ids():
    numbered = number_blocks([validate_block({**b, "block_id": 7}) for b in LESSON])
    assert [b["block_id"] for b in numbered] == [1, 2, 3, 4]
    assert numbered[0] == {"block_type": "header", "block_id": 1, "data": HEADER["data"]}


@pytest.mark.parametrize(
    "reply",
    [
        json.dumps(LESSON, ensure_ascii=False),
        "```json\n" + json.dumps(LESSON, ensure_ascii=False) + "\n```",
        "수업을 준비했어요 [초안]:\n" + json.dumps(LESSON, ensure_ascii=False) + "\n끝!",
        json.dumps({"blocks": LESSON}, ensure_ascii=False),
    ],
    ids=["bare", "fenced", "prose", "wrapped"],
)
def test_replies_in_every_accepted_form_parse(reply):
    assert extract_block_list(reply) == LESSON
    assert parse_lesson(reply) == LESSON


def test_invalid_blocks_are_skipped_and_unusable_replies_give_nothing():
    assert parse_lesson(json.dumps([HEADER, {"block_type": "oops"}, EXAMPLES])) == [
        HEADER,
        EXAMPLES,
    ]
    for reply in ("", "죄송해요, 지금은 답할 수 없어요.", "[1, 2, 3]", '{"blocks": "none"}', "[{"):
        assert parse_lesson(reply) == []
