"""Blocks over a size cap are cut to it and kept; other faults still make them invalid."""

import copy
import typing

import pytest
from pydantic import ValidationError

from backend.app.tools.content.block_caps import ELLIPSIS, cut_text, fit_to_caps
from backend.app.tools.content.blocks import (
    HeaderData,
    SectionData,
    check_block,
    validate_block,
)
from tests.support.lessons import DEFINITION, EXAMPLES, HEADER, INTRO, LESSON

SENTENCE = "임베딩은 단어를 숫자 벡터로 바꾸는 방법입니다. "
ITEM = EXAMPLES["data"]["items"][0]


def section_types() -> set[str]:
    """Every section type the schema knows, read from the union itself."""
    members = typing.get_args(typing.get_args(SectionData)[0])
    return {typing.get_args(m.model_fields["type"].annotation)[0] for m in members}


def inflate(value, times: int = 30):
    """Every list and every string of `value` made `times` as long (keys, `type` kept)."""
    if isinstance(value, list):
        return [inflate(item, times) for item in value] * times
    if isinstance(value, dict):
        return {key: item if key == "type" else inflate(item, times) for key, item in value.items()}
    if isinstance(value, str):
        return (value + " ") * times * 20
    return value


def assert_cut_from(cut, original) -> None:
    """`cut` keeps `original`'s shape: list prefixes, string prefixes (ellipsis aside)."""
    if isinstance(cut, list):
        assert len(cut) <= len(original)
        for kept, source in zip(cut, original, strict=False):
            assert_cut_from(kept, source)
    elif isinstance(cut, dict):
        assert set(cut) <= set(original)
        for key in cut:
            assert_cut_from(cut[key], original[key])
    elif isinstance(cut, str):
        assert original.strip().startswith(cut.removesuffix(ELLIPSIS))
    else:
        assert cut == original


def test_the_samples_cover_every_block_schema():
    sampled = {block["data"].get("type") or block["block_type"] for block in LESSON}
    assert sampled == {"header"} | section_types()


@pytest.mark.parametrize("block", LESSON, ids=["header", "introduction", "definition", "examples"])
def test_every_schema_cuts_every_oversized_list_and_string_and_keeps_the_block(block):
    oversized = {"block_type": block["block_type"], "data": inflate(block["data"])}
    before = copy.deepcopy(oversized)

    checked = check_block(oversized)

    assert checked.block is not None and checked.cut_paths
    assert checked.block["block_type"] == block["block_type"]
    assert_cut_from(checked.block["data"], oversized["data"])
    assert validate_block(checked.block) == checked.block  # within every cap now
    assert oversized == before  # the model's block itself is left as it came


@pytest.mark.parametrize("block", LESSON, ids=["header", "introduction", "definition", "examples"])
def test_a_valid_block_is_not_cut(block):
    assert check_block(block).cut_paths == ()
    assert check_block(block).block == block


def test_forty_examples_keep_the_first_ten():
    items = [{**ITEM, "category": f"분야 {n}"} for n in range(40)]
    checked = check_block({**EXAMPLES, "data": {**EXAMPLES["data"], "items": items}})
    assert checked.block["data"]["items"] == items[:10]
    assert checked.cut_paths == ("examples.items",)


def test_an_item_past_the_cap_may_be_broken_but_one_within_it_may_not():
    broken = {"category": "설명 없음"}
    past = [ITEM] * 12 + [broken]
    within = [ITEM, broken] + [ITEM] * 12
    assert (
        len(
            validate_block({**EXAMPLES, "data": {**EXAMPLES["data"], "items": past}})["data"][
                "items"
            ]
        )
        == 10
    )
    assert validate_block({**EXAMPLES, "data": {**EXAMPLES["data"], "items": within}}) is None


def test_long_strings_inside_kept_items_are_cut_too():
    items = [{**ITEM, "description": SENTENCE * 300}] * 15
    block = validate_block({**EXAMPLES, "data": {**EXAMPLES["data"], "items": items}})
    assert len(block["data"]["items"]) == 10
    assert all(len(item["description"]) <= 4000 for item in block["data"]["items"])


@pytest.mark.parametrize(
    "block",
    [
        {**HEADER, "data": {"title": "제목" * 500}},  # chapter_info missing
        {**INTRO, "data": {"type": "introduction", "content": 5, "x": "y" * 9000}},
        {**DEFINITION, "data": {**DEFINITION["data"], "title": ["a list"] * 40}},
        {**EXAMPLES, "data": {**EXAMPLES["data"], "title": None, "items": [ITEM] * 40}},
        {**EXAMPLES, "data": {**EXAMPLES["data"], "items": []}},  # too short is no size cap
        {**INTRO, "data": {"type": "introduction", "content": "   "}},
    ],
    ids=["missing", "wrong-type", "wrong-item-type", "oversized-and-missing", "empty", "blank"],
)
def test_a_block_with_any_fault_besides_a_size_cap_stays_invalid(block):
    assert check_block(block).block is None


def test_fit_to_caps_reraises_what_it_cannot_fix():
    with pytest.raises(ValidationError):
        fit_to_caps(HeaderData.model_validate, {"chapter_info": "x" * 999})
    header, cut = fit_to_caps(HeaderData.model_validate, {"chapter_info": "x" * 999, "title": "t"})
    assert (len(header.chapter_info), cut) == (300, ["chapter_info"])


def test_text_is_cut_after_a_sentence_when_one_ends_near_the_cap():
    text = SENTENCE * 20
    cut = cut_text(text, 100)
    assert len(cut) <= 100 and cut.endswith("다.") and text.startswith(cut)


def test_text_without_a_near_sentence_end_is_cut_at_a_word_with_an_ellipsis():
    cut = cut_text("단어 " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("단어" + ELLIPSIS)


def test_text_without_spaces_is_cut_at_the_cap_and_short_text_is_left_alone():
    assert cut_text("가" * 80, 50) == "가" * 49 + ELLIPSIS
    assert cut_text("짧은 글", 50) == "짧은 글"


def test_a_full_stop_ends_a_sentence_only_before_a_space_or_the_end():
    assert cut_text("가나다. 라마바사", 4) == "가나다."
    assert cut_text("가나다.라마바사", 4) == "가나다" + ELLIPSIS
    assert cut_text("3.14159 " * 20, 12) == "3.14159" + ELLIPSIS
