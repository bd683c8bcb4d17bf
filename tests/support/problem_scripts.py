"""Scripted model replies for the problem generator's three calls, and NDJSON helpers."""

from __future__ import annotations

import json

from tests.fakes.scripts import Script

GENERATE = "/api/v1/problems/generate-stream"
# What the learner asks for in the tests that stream a whole generation (grid shortest path).
GRID_REQUEST = {"prompt": "격자에서 최단 거리를 구하는 문제를 만들어 줘", "difficulty": "medium"}

ANALYSIS = {
    "algorithm_type": "graph",
    "key_concepts": ["너비 우선 탐색", "방문 처리"],
    "difficulty": "medium",
    "summary": "격자 최단 거리 문제",
}
VARIATION = {
    "title": "해저 연구소 탈출",
    "scenario": "연구원 수아는 정전된 해저 연구소를 빠져나가야 합니다.",
}
DESCRIPTION = """## 제목
해저 연구소 탈출

## 문제 설명
연구원 수아는 N×M 격자 모양의 연구소에서 출구까지 가장 짧은 길을 찾아야 합니다.
벽(#)은 지날 수 없습니다.

## 입력 형식
- 첫째 줄에 N과 M이 주어집니다.
- 다음 N개의 줄에 격자가 주어집니다.

## 출력 형식
출구까지의 최소 이동 횟수를 출력합니다. 갈 수 없으면 -1을 출력합니다.

## 제약 조건
- 2 ≤ N, M ≤ 1,000
- 시간 제한: 1초

## 예제
### 예제 1
입력:
```
2 2
..
#.
```
출력:
```
2
```
설명: 오른쪽, 아래로 두 번 이동합니다.

## 힌트
- 너비 우선 탐색으로 거리를 계산해 보세요.
"""


# A correct reference solution of DESCRIPTION (breadth-first search on the grid).
SOLUTION = """import sys
from collections import deque


def main():
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    grid = data[2 : 2 + n]
    distance = [[-1] * m for _ in range(n)]
    distance[0][0] = 0
    queue = deque([(0, 0)])
    while queue:
        r, c = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < n and 0 <= nc < m and grid[nr][nc] != "#" and distance[nr][nc] < 0:
                distance[nr][nc] = distance[r][c] + 1
                queue.append((nr, nc))
    print(distance[n - 1][m - 1])


main()
"""


def solution_reply(program: str = SOLUTION) -> str:
    """A model reply holding `program` the way models write it: a sentence, then a fence."""
    return f"참조 풀이입니다.\n\n```python\n{program}```\n"


def generation_scripts(
    description: Script | str = DESCRIPTION,
    solution: str | Script = SOLUTION,
    **description_options,
) -> list:
    """The four replies of one generation: analysis, variation, the description, the solution.

    `solution` is a program (wrapped as a model reply) or a whole Script.
    """
    if isinstance(description, str):
        description = Script(content=description, chunk_size=7, **description_options)
    return [
        json.dumps(ANALYSIS, ensure_ascii=False),
        json.dumps(VARIATION, ensure_ascii=False),
        description,
        solution if isinstance(solution, Script) else solution_reply(solution),
    ]


def read_ndjson(text: str) -> list[dict]:
    """Every line of an NDJSON body as JSON; each must carry a `type`."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all(isinstance(line, dict) and "type" in line for line in lines), lines
    return lines


def statuses(lines: list[dict]) -> list[tuple[str, str]]:
    """(stage, state) of every status line, in order."""
    return [
        (ln["payload"]["stage"], ln["payload"]["state"]) for ln in lines if ln["type"] == "status"
    ]


def token_text(lines: list[dict]) -> str:
    """The description as the token lines delivered it."""
    return "".join(ln["payload"]["text"] for ln in lines if ln["type"] == "token")


EXPECTED_STATUSES = [
    (stage, state)
    for stage in ("analysis", "variation", "description", "parsing", "verification", "saving")
    for state in ("started", "done")
]
