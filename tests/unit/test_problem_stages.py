"""Analysis and variation replies: JSON objects found in prose, fences and odd shapes."""

import pytest

from backend.app.problem_generator.stages import (
    normalize_algorithm_type,
    parse_analysis,
    parse_variation,
)


def test_analysis_in_a_code_fence_with_prose():
    reply = '분석 결과입니다.\n```json\n{"algorithm_type": "Dynamic Programming", "key_concepts": ["점화식", "메모"], "summary": "배낭"}\n```'
    analysis = parse_analysis(reply, None)
    assert analysis.algorithm_type == "dynamic_programming"
    assert analysis.key_concepts == ["점화식", "메모"]


def test_requested_algorithm_type_wins_over_the_models_reading():
    reply = '{"algorithm_type": "graph", "key_concepts": "BFS, 방문 처리"}'
    analysis = parse_analysis(reply, "two_pointer")
    assert analysis.algorithm_type == "two_pointer"
    assert analysis.key_concepts == ["BFS", "방문 처리"]


@pytest.mark.parametrize("reply", ["", "분석할 수 없습니다.", "[1, 2]", '{"key_concepts": 3}'])
def test_unusable_analysis_is_none(reply):
    assert parse_analysis(reply, None) is None


def test_variation_needs_title_and_scenario():
    assert parse_variation('{"title": "  별빛  캠핑 ", "scenario": "이야기"}').title == "별빛 캠핑"
    assert parse_variation('{"title": "제목만"}') is None
    assert parse_variation("{broken") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Binary Search", "binary_search"),
        ("", "implementation"),
        (None, "implementation"),
        ("그래프 탐색", "그래프_탐색"),
        ("a<b>c", "abc"),
    ],
)
def test_algorithm_type_is_normalised(value, expected):
    assert normalize_algorithm_type(value) == expected
