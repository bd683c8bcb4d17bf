"""Reading the verification stage's replies, and how outputs are compared."""

from __future__ import annotations

import pytest

from backend.app.problem_generator.solution_text import (
    extract_corrected_outputs,
    extract_program,
)
from backend.app.problem_generator.verification import outputs_match

PROGRAM = "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n"


@pytest.mark.parametrize(
    "reply",
    [
        f"풀이입니다.\n\n```python\n{PROGRAM}```\n설명은 생략합니다.",
        f"```py\n{PROGRAM}```",
        f"```Python3\n{PROGRAM}```",
        f"~~~python\n{PROGRAM}~~~",
        f"Here:\n```\n{PROGRAM}```",
        PROGRAM,
        f"```text\nnotes\n```\n```python\n{PROGRAM}```",
    ],
    ids=["prose-around", "py", "python3", "tildes", "untagged", "bare", "second-block"],
)
def test_the_program_is_read_from_the_ways_models_write_it(reply):
    assert extract_program(reply) == PROGRAM


@pytest.mark.parametrize(
    "reply",
    [
        "풀 수 없습니다.",
        '```json\n{"examples": []}\n```',
        "```\na\n```\n```\nb\n```",
        "```python\n   \n```",
        "```python\n" + "x = 1\n" * 10_000 + "```",
    ],
    ids=["prose", "json-only", "two-untagged", "empty", "too-long"],
)
def test_no_program_is_read_from_replies_without_one(reply):
    assert extract_program(reply) is None


def test_corrected_outputs_are_read_by_index_from_a_json_fence_or_prose():
    fenced = '고쳤습니다.\n```json\n{"examples": [{"index": 1, "output": "7\\n"}, {"index": "0", "output": 3}]}\n```'
    assert extract_corrected_outputs(fenced) == {1: "7", 0: "3"}
    bare = '{"examples": [{"index": 2, "output": "a b"}]}'
    assert extract_corrected_outputs(bare) == {2: "a b"}


@pytest.mark.parametrize(
    "reply",
    ["no json here", '{"examples": "2"}', '{"examples": [{"output": "1"}, {"index": "x"}]}'],
)
def test_unusable_corrections_are_ignored(reply):
    assert extract_corrected_outputs(reply) == {}


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        ("2", "2\n", True),
        ("1 2\n3", "1 2   \n3\n\n", True),
        ("a\r\nb", "a\nb", True),
        ("1\n2", "1\n3", False),
        ("1 2", "1  2", False),  # inner whitespace counts
        ("1\n\n2", "1\n2", False),  # blank lines inside count
        ("", "", True),
    ],
)
def test_outputs_compare_by_line_ignoring_trailing_whitespace(expected, actual, same):
    assert outputs_match(expected, actual) is same
