"""The description parser: sectioned Markdown -> GeneratedProblem, lenient where models vary."""

import pytest

from backend.app.llm.offline.description import compose_description
from backend.app.problem_generator.parser import ProblemParseError, parse_problem

COMPLETE = """## 제목
우주 정거장의 화물 정리

## 문제 설명
관제 로봇 누리는 화물 컨테이너를 무게 순으로 정리해야 합니다.

## 입력 형식
- 첫째 줄에 N이 주어집니다.
- 둘째 줄에 N개의 정수가 주어집니다.

## 출력 형식
정렬된 수를 공백으로 구분해 출력합니다.

## 제약 조건
- 1 ≤ N ≤ 100,000
- 시간 제한: 1초

## 예제
### 예제 1
입력:
```
3
3 1 2
```
출력:
```
1 2 3
```
설명: 작은 수부터 차례로 출력합니다.

### 예제 2
입력:
```
1
5
```
출력:
```
5
```

## 힌트
- 정렬 라이브러리를 써 보세요.
- 안정 정렬이 필요할까요?
"""


def parse(text: str, **kwargs):
    return parse_problem(text, difficulty="easy", algorithm_type="sorting", **kwargs)


def test_complete_description_fills_every_field():
    problem = parse(COMPLETE)
    assert problem.title == "우주 정거장의 화물 정리"
    assert problem.description.startswith("관제 로봇 누리는")
    assert problem.input_format.splitlines()[0] == "- 첫째 줄에 N이 주어집니다."
    assert problem.output_format == "정렬된 수를 공백으로 구분해 출력합니다."
    assert problem.constraints == ["1 ≤ N ≤ 100,000", "시간 제한: 1초"]
    assert [(e.input, e.output) for e in problem.examples] == [("3\n3 1 2", "1 2 3"), ("1\n5", "5")]
    assert problem.examples[0].explanation == "작은 수부터 차례로 출력합니다."
    assert problem.examples[1].explanation == ""
    assert problem.hints == ["정렬 라이브러리를 써 보세요.", "안정 정렬이 필요할까요?"]
    assert (problem.difficulty, problem.algorithm_type) == ("easy", "sorting")


def test_missing_optional_sections_get_defaults():
    text = COMPLETE.split("## 제약 조건")[0]
    problem = parse(text)
    assert (problem.constraints, problem.examples, problem.hints) == ([], [], [])


def test_prose_before_the_first_heading_and_after_is_ignored():
    text = "물론이죠! 요청하신 문제입니다.\n\n" + COMPLETE
    assert parse(text) == parse(COMPLETE)


def test_windows_line_ends_parse_the_same():
    assert parse(COMPLETE.replace("\n", "\r\n")) == parse(COMPLETE)


def test_heading_levels_colons_and_bold_do_not_matter():
    text = (
        COMPLETE.replace("## 제목", "# 제목:")
        .replace("## 문제 설명", "### **문제 설명**")
        .replace("## 입력 형식", "## 입력")
        .replace("## 출력 형식", "## 출력 형식 ##")
    )
    assert parse(text) == parse(COMPLETE)


def test_english_headings_are_accepted():
    text = (
        "# Title\nTwo sums\n\n# Description\nFind two numbers.\n\n# Input\nN numbers.\n\n"
        "# Output\nTwo indexes.\n\n# Constraints\n- N <= 10\n\n# Examples\n**Input:** `1 2`\n"
        "**Output:** `0 1`\n\n# Hints\n- Use a hash map.\n"
    )
    problem = parse(text)
    assert problem.title == "Two sums"
    assert [(e.input, e.output) for e in problem.examples] == [("1 2", "0 1")]
    assert problem.hints == ["Use a hash map."]


def test_boj_style_example_headings_pair_inputs_with_outputs():
    examples = (
        "## 예제\n### 예제 입력 1\n```\n1 2\n```\n### 예제 출력 1\n```\n3\n```\n"
        "### 예제 입력 2\n```\n5 5\n```\n### 예제 출력 2\n```\n10\n```\n"
    )
    text = COMPLETE.split("## 예제")[0] + examples
    problem = parse(text)
    assert [(e.input, e.output) for e in problem.examples] == [("1 2", "3"), ("5 5", "10")]


def test_a_hash_line_inside_an_example_is_data_not_a_heading():
    examples = "## 예제\n입력:\n```\n# 제목\n.#.\n```\n출력:\n```\n1\n```\n\n## 힌트\n- 격자\n"
    text = COMPLETE.split("## 예제")[0] + examples
    problem = parse(text)
    assert problem.title == "우주 정거장의 화물 정리"
    assert problem.examples[0].input == "# 제목\n.#."
    assert problem.hints == ["격자"]


def test_missing_title_falls_back_to_the_variation_title():
    text = COMPLETE.replace("## 제목\n우주 정거장의 화물 정리\n", "")
    assert parse(text, fallback_title="대체 제목").title == "대체 제목"


@pytest.mark.parametrize("heading", ["## 문제 설명", "## 입력 형식", "## 출력 형식"])
def test_missing_required_section_is_an_error(heading):
    start = COMPLETE.index(heading)
    end = COMPLETE.index("##", start + 3)
    with pytest.raises(ProblemParseError) as raised:
        parse(COMPLETE[:start] + COMPLETE[end:])
    assert len(raised.value.missing) == 1


def test_empty_reply_names_every_missing_section():
    with pytest.raises(ProblemParseError) as raised:
        parse("죄송하지만 문제를 만들 수 없습니다.")
    assert raised.value.missing == ["title", "description", "input_format", "output_format"]


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
@pytest.mark.parametrize("kind", ["graph", "sorting", "string", "dynamic_programming", "stack"])
def test_offline_model_descriptions_parse_completely(kind, difficulty):
    text = compose_description(
        f"<prompt>{kind} 문제</prompt><difficulty>{difficulty}</difficulty>"
        f"<algorithm_type>{kind}</algorithm_type><title>제목 {kind}</title><scenario>이야기</scenario>"
    )
    problem = parse_problem(text, difficulty=difficulty, algorithm_type=kind)
    assert problem.title == f"제목 {kind}"
    assert problem.examples and all(
        e.input and e.output and e.explanation for e in problem.examples
    )
    assert problem.constraints and problem.hints
