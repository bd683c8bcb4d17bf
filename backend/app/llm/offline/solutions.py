"""Reference solutions and repairs: the offline model's replies in problem verification.

The offline problems come from templates whose example outputs are computed by
``template.solve``, and every template has a program that prints the same thing. So the
offline reference solution is right by construction; a repair can only mean an example
output was wrong, and the repair reply recomputes those outputs.
"""

from __future__ import annotations

import json

from backend.app.llm.offline.description import FENCE, template_for
from backend.app.llm.offline.problem_kinds import infer_algorithm_type, kind_for
from backend.app.llm.offline.problem_template import ProblemTemplate
from backend.app.llm.offline.solutions_core import CORE_PROGRAMS
from backend.app.llm.offline.solutions_sequence import SEQUENCE_PROGRAMS
from backend.app.llm.offline.solutions_text import TEXT_PROGRAMS
from backend.app.llm.prompt_tags import find_tag

PROGRAMS: dict[str, str] = {**CORE_PROGRAMS, **SEQUENCE_PROGRAMS, **TEXT_PROGRAMS}

# The one idea each program rests on, said before the code.
_APPROACHES = {
    "sorting": "점수 내림차순, 이름 오름차순의 두 기준을 튜플 정렬 키로 한 번에 정렬합니다.",
    "graph": "간선의 길이가 모두 같으므로 1번 정점에서 너비 우선 탐색(BFS)으로 거리를 구합니다.",
    "dynamic_programming": "best[w]를 무게 합이 w 이하일 때의 최대 가치로 두고 물건마다 한 번씩 "
    "갱신합니다.",
    "binary_search": "bisect_right와 bisect_left의 차이로 각 질문의 등장 횟수를 O(log N)에 "
    "구합니다.",
    "greedy": "끝나는 시각이 이른 회의부터 고르는 탐욕적 선택으로 최대 개수를 셉니다.",
    "two_pointer": "두 포인터로 구간을 늘리고 줄이며 합이 S 이상인 가장 짧은 길이를 찾습니다.",
    "queue": "덱으로 카드 더미를 그대로 흉내 내어 마지막 카드를 찾습니다.",
    "heap": "최소 힙(heapq)에 수를 보관하고 0이 나올 때마다 가장 작은 수를 꺼냅니다.",
    "string": "groupby로 연속된 같은 문자 구간을 묶어 문자와 길이를 이어 붙입니다.",
    "stack": "여는 괄호는 스택에 넣고, 닫는 괄호는 스택 맨 위와 짝이 맞는지 확인합니다.",
    "hash": "Counter로 단어별 횟수를 세고 (횟수 내림차순, 단어 오름차순)으로 하나를 고릅니다.",
    "implementation": "명령마다 새 위치가 격자 안인지 확인하고 안일 때만 이동합니다.",
}
_INPUT_ERRORS = (ValueError, IndexError, KeyError, TypeError, AttributeError)


def program_for(template: ProblemTemplate) -> str:
    """Return the reference program (stdin -> stdout) of a template."""
    return PROGRAMS[template.key]


def compose_solution(text: str) -> str:
    """Return a short Korean sentence and the template's program in a ```python fence."""
    template = _template(text)
    name = kind_for(template.key).name
    return (
        f"{name} 참조 풀이입니다. {_APPROACHES[template.key]}\n\n"
        f"{FENCE}python\n{program_for(template)}{FENCE}\n"
    )


def compose_repair(text: str) -> str:
    """Return the corrected outputs of the disagreeing examples in a ```json fence.

    When the runs tag is missing or unreadable (or no example could be recomputed), the
    reply is the template's program instead, in a ```python fence.
    """
    template = _template(text)
    examples = []
    for index, given in _runs(find_tag(text, "runs")):
        try:
            examples.append({"index": index, "output": template.solve(given)})
        except _INPUT_ERRORS:
            # An input this template cannot read (cut short, another format): skip it.
            continue
    if not examples:
        return (
            "예제를 다시 계산할 수 없어 참조 풀이를 다시 드립니다.\n\n"
            f"{FENCE}python\n{program_for(template)}{FENCE}\n"
        )
    body = json.dumps({"examples": examples}, ensure_ascii=False, indent=2)
    return (
        "문제 설명대로 다시 계산해 보니 참조 풀이의 출력이 맞고 예제 출력이 틀렸습니다. "
        f"올바른 예제 출력입니다.\n\n{FENCE}json\n{body}\n{FENCE}\n"
    )


def _template(text: str) -> ProblemTemplate:
    # Chosen like compose_description; without a type, the prompt (or problem) tells.
    algorithm_type = find_tag(text, "algorithm_type") or infer_algorithm_type(
        find_tag(text, "prompt") or find_tag(text, "problem") or ""
    )
    return template_for(algorithm_type)


def _runs(value: str | None) -> list[tuple[int, str]]:
    """Return ``(index, input)`` of each readable run in the runs tag's JSON array."""
    try:
        runs = json.loads(value or "")
    except ValueError:
        return []
    found = []
    for run in runs if isinstance(runs, list) else []:
        if not isinstance(run, dict) or not isinstance(run.get("input"), str):
            continue
        index = run.get("index")
        # bool is an int subclass; an index of true is not an index.
        if isinstance(index, int) and not isinstance(index, bool):
            found.append((index, run["input"]))
    return found
