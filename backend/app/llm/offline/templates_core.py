"""Problem templates for sorting, graph search, dynamic programming and binary search."""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import deque

from backend.app.llm.offline.problem_template import ProblemTemplate, int_rows, sizes
from backend.app.llm.offline.text_utils import with_josa

_NAMES = ("민준", "서연", "도윤", "하린", "지호", "수아", "예준", "지우", "시우", "하은")


def _ranking_input(rng: random.Random) -> str:
    names = rng.sample(_NAMES, rng.randint(4, 6))
    # Scores on a coarse grid so that ties (and the name rule) actually show up.
    rows = [f"{name} {rng.choice(range(70, 101, 5))}" for name in names]
    return "\n".join([str(len(rows)), *rows])


def _ranking_solve(text: str) -> str:
    rows = [line.split() for line in text.strip().splitlines()[1:]]
    ranked = sorted(rows, key=lambda row: (-int(row[1]), row[0]))
    return "\n".join(name for name, _ in ranked)


SORTING = ProblemTemplate(
    key="sorting",
    default_title="성적 순서대로 줄 세우기",
    statement="N명의 이름과 점수가 주어집니다. 점수가 높은 순서대로, 점수가 같다면 이름의 "
    "사전 순서대로 이름을 한 줄에 하나씩 출력하세요.",
    input_format=(
        "첫째 줄에 사람 수 N이 주어집니다.",
        "둘째 줄부터 N개의 줄에 이름과 점수가 공백으로 구분되어 주어집니다.",
    ),
    output_format="정렬된 순서대로 이름을 한 줄에 하나씩 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "0 ≤ 점수 ≤ 100", "이름은 서로 다릅니다."),
    limits=sizes({"n": 100}, {"n": 10_000}, {"n": 200_000}),
    make_input=_ranking_input,
    solve=_ranking_solve,
    explain=lambda inp, out: (
        f"점수가 가장 높은 {out.splitlines()[0]}부터 차례로 출력하고, "
        "점수가 같으면 이름의 사전 순서를 따릅니다."
    ),
    hints=(
        "정렬 기준이 두 개입니다: 점수 내림차순, 그다음 이름 오름차순.",
        "파이썬에서는 key=lambda x: (-점수, 이름)처럼 튜플을 정렬 키로 쓸 수 있어요.",
        "N이 크면 입력을 sys.stdin으로 빠르게 읽으세요.",
    ),
)


def _graph_input(rng: random.Random) -> str:
    n = rng.randint(5, 7)
    pairs = [(a, b) for a in range(1, n + 1) for b in range(a + 1, n + 1)]
    edges = sorted(rng.sample(pairs, rng.randint(n - 1, n + 2)))
    return "\n".join([f"{n} {len(edges)}", *(f"{a} {b}" for a, b in edges)])


def _graph_solve(text: str) -> str:
    rows = int_rows(text)
    n = rows[0][0]
    adjacent: dict[int, list[int]] = {v: [] for v in range(1, n + 1)}
    for a, b in rows[1:]:
        adjacent[a].append(b)
        adjacent[b].append(a)
    distance = {1: 0}
    queue = deque([1])
    while queue:
        vertex = queue.popleft()
        for nxt in adjacent[vertex]:
            if nxt not in distance:
                distance[nxt] = distance[vertex] + 1
                queue.append(nxt)
    return str(distance.get(n, -1))


GRAPH = ProblemTemplate(
    key="graph",
    default_title="가장 빠른 길 찾기",
    statement="N개의 정점과 M개의 양방향 간선으로 이루어진 그래프가 주어집니다. 1번 정점에서 "
    "N번 정점까지 가는 데 지나야 하는 간선 수의 최솟값을 구하세요. 갈 수 없다면 -1을 출력합니다.",
    input_format=(
        "첫째 줄에 정점 수 N과 간선 수 M이 주어집니다.",
        "다음 M개의 줄에 간선으로 연결된 두 정점 u, v가 주어집니다.",
    ),
    output_format="1번 정점에서 N번 정점까지의 최소 간선 수를 출력합니다. 갈 수 없으면 -1을 출력합니다.",
    constraints=("2 ≤ N ≤ {n}", "1 ≤ M ≤ {m}", "1 ≤ u, v ≤ N, u ≠ v"),
    limits=sizes({"n": 100, "m": 500}, {"n": 10_000, "m": 50_000}, {"n": 100_000, "m": 300_000}),
    make_input=_graph_input,
    solve=_graph_solve,
    explain=lambda inp, out: (
        "1번 정점에서 N번 정점으로 갈 수 없습니다."
        if out == "-1"
        else f"1번 정점에서 출발해 최소 {out}개의 간선을 지나면 N번 정점에 도착합니다."
    ),
    hints=(
        "모든 간선의 길이가 같으므로 너비 우선 탐색(BFS)으로 최단 거리를 구할 수 있어요.",
        "인접 리스트와 방문 배열(거리 배열)을 준비하세요.",
        "큐에서 꺼낸 정점의 이웃 중 처음 방문하는 정점만 거리를 갱신합니다.",
    ),
)


def _knapsack_input(rng: random.Random) -> str:
    n = rng.randint(3, 5)
    rows = [f"{rng.randint(1, 6)} {rng.randint(2, 15)}" for _ in range(n)]
    return "\n".join([f"{n} {rng.randint(6, 12)}", *rows])


def _knapsack_solve(text: str) -> str:
    rows = int_rows(text)
    capacity = rows[0][1]
    best = [0] * (capacity + 1)
    for weight, value in rows[1:]:
        for room in range(capacity, weight - 1, -1):
            best[room] = max(best[room], best[room - weight] + value)
    return str(best[capacity])


DYNAMIC_PROGRAMMING = ProblemTemplate(
    key="dynamic_programming",
    default_title="가방에 담을 수 있는 최대 가치",
    statement="N개의 물건이 있고 각 물건에는 무게와 가치가 있습니다. 무게의 합이 W를 넘지 않도록 "
    "물건을 골라 담을 때, 담은 물건의 가치 합의 최댓값을 구하세요. 각 물건은 한 번만 담을 수 있습니다.",
    input_format=(
        "첫째 줄에 물건 수 N과 최대 무게 W가 주어집니다.",
        "다음 N개의 줄에 각 물건의 무게와 가치가 주어집니다.",
    ),
    output_format="가치 합의 최댓값을 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "1 ≤ W ≤ {w}", "1 ≤ 무게 ≤ W, 1 ≤ 가치 ≤ 1,000"),
    limits=sizes({"n": 20, "w": 1_000}, {"n": 100, "w": 10_000}, {"n": 200, "w": 100_000}),
    make_input=_knapsack_input,
    solve=_knapsack_solve,
    explain=lambda inp, out: (
        f"무게 합이 W 이하가 되도록 물건을 고르면 얻을 수 있는 가치 합의 최댓값은 {out}입니다."
    ),
    hints=(
        "best[w] = 무게 합이 w 이하일 때의 최대 가치로 정의해 보세요.",
        "각 물건을 한 번만 쓰려면 무게를 큰 쪽에서 작은 쪽으로 갱신합니다.",
        "모든 조합을 시도하면 2^N가지라서 너무 느립니다.",
    ),
)


def _count_input(rng: random.Random) -> str:
    values = sorted(rng.randint(1, 9) for _ in range(rng.randint(6, 9)))
    queries = [rng.randint(1, 10) for _ in range(3)]
    return "\n".join(
        [str(len(values)), " ".join(map(str, values)), "3", " ".join(map(str, queries))]
    )


def _count_solve(text: str) -> str:
    rows = int_rows(text)
    values, queries = rows[1], rows[3]
    return "\n".join(str(bisect_right(values, q) - bisect_left(values, q)) for q in queries)


def _count_explain(inp: str, out: str) -> str:
    first = inp.splitlines()[3].split()[0]
    return (
        f"첫 번째 질문의 수 {with_josa(first, '은/는')} 배열에 {out.splitlines()[0]}번 등장합니다."
    )


BINARY_SEARCH = ProblemTemplate(
    key="binary_search",
    default_title="정렬된 기록에서 개수 세기",
    statement="오름차순으로 정렬된 정수 N개와 질문 Q개가 주어집니다. 각 질문의 정수 x가 "
    "배열에 몇 번 등장하는지 구하세요.",
    input_format=(
        "첫째 줄에 N이 주어집니다.",
        "둘째 줄에 정렬된 정수 N개가 주어집니다.",
        "셋째 줄에 Q가, 넷째 줄에 질문 Q개가 주어집니다.",
    ),
    output_format="각 질문의 답을 한 줄에 하나씩 출력합니다.",
    constraints=("1 ≤ N, Q ≤ {n}", "1 ≤ 정수 ≤ 1,000,000,000"),
    limits=sizes({"n": 1_000}, {"n": 100_000}, {"n": 500_000}),
    make_input=_count_input,
    solve=_count_solve,
    explain=_count_explain,
    hints=(
        "x 이상인 첫 위치와 x보다 큰 첫 위치의 차이가 등장 횟수입니다.",
        "파이썬의 bisect_left와 bisect_right를 활용해 보세요.",
        "질문마다 배열을 처음부터 세면 O(NQ)로 너무 느립니다.",
    ),
)

CORE_TEMPLATES = (SORTING, GRAPH, DYNAMIC_PROGRAMMING, BINARY_SEARCH)
