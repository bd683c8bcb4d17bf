"""Problem templates for greedy choice, two pointers, queues and heaps."""

from __future__ import annotations

import heapq
import random
from collections import deque

from backend.app.llm.offline.problem_template import ProblemTemplate, int_rows, sizes


def _meetings_input(rng: random.Random) -> str:
    rows = []
    for _ in range(rng.randint(5, 7)):
        start = rng.randint(0, 10)
        rows.append(f"{start} {start + rng.randint(1, 5)}")
    return "\n".join([str(len(rows)), *rows])


def _meetings_solve(text: str) -> str:
    meetings = sorted(int_rows(text)[1:], key=lambda row: (row[1], row[0]))
    count, free_at = 0, -1
    for start, end in meetings:
        if start >= free_at:
            count, free_at = count + 1, end
    return str(count)


GREEDY = ProblemTemplate(
    key="greedy",
    default_title="회의실 최대한 많이 쓰기",
    statement="회의실 하나를 쓰려는 회의 N개의 시작 시각과 끝 시각이 주어집니다. 회의는 겹칠 수 "
    "없지만, 한 회의가 끝나는 시각에 다음 회의를 바로 시작할 수 있습니다. 열 수 있는 회의의 "
    "최대 개수를 구하세요.",
    input_format=(
        "첫째 줄에 회의 수 N이 주어집니다.",
        "다음 N개의 줄에 각 회의의 시작 시각과 끝 시각이 주어집니다.",
    ),
    output_format="열 수 있는 회의의 최대 개수를 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "0 ≤ 시작 시각 < 끝 시각 ≤ 1,000,000,000"),
    limits=sizes({"n": 100}, {"n": 10_000}, {"n": 100_000}),
    make_input=_meetings_input,
    solve=_meetings_solve,
    explain=lambda inp, out: (
        f"끝나는 시각이 이른 회의부터 고르면 최대 {out}개의 회의를 열 수 있습니다."
    ),
    hints=(
        "끝나는 시각이 빠른 회의를 먼저 고르는 것이 항상 손해가 없습니다.",
        "끝나는 시각이 같다면 시작 시각이 빠른 순서로 정렬하세요.",
        "마지막으로 고른 회의의 끝 시각만 기억하면 충분합니다.",
    ),
)


def _window_input(rng: random.Random) -> str:
    values = [rng.randint(1, 9) for _ in range(rng.randint(6, 9))]
    target = rng.randint(10, 25)
    return "\n".join([f"{len(values)} {target}", " ".join(map(str, values))])


def _window_solve(text: str) -> str:
    (_, target), values = int_rows(text)
    best, total, left = 0, 0, 0
    for right, value in enumerate(values):
        total += value
        while total >= target:
            length = right - left + 1
            best = length if best == 0 else min(best, length)
            total -= values[left]
            left += 1
    return str(best)


TWO_POINTER = ProblemTemplate(
    key="two_pointer",
    default_title="합이 넉넉한 가장 짧은 구간",
    statement="양의 정수 N개로 이루어진 수열과 정수 S가 주어집니다. 연속된 구간의 합이 S 이상이 "
    "되는 구간 중 가장 짧은 구간의 길이를 구하세요. 그런 구간이 없다면 0을 출력합니다.",
    input_format=("첫째 줄에 N과 S가 주어집니다.", "둘째 줄에 수열의 원소 N개가 주어집니다."),
    output_format="조건을 만족하는 가장 짧은 구간의 길이를 출력합니다. 없으면 0을 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "1 ≤ 원소 ≤ 10,000", "1 ≤ S ≤ 100,000,000"),
    limits=sizes({"n": 1_000}, {"n": 100_000}, {"n": 1_000_000}),
    make_input=_window_input,
    solve=_window_solve,
    explain=lambda inp, out: (
        "합이 S 이상인 구간이 없습니다."
        if out == "0"
        else f"합이 S 이상인 연속 구간 중 가장 짧은 구간의 길이는 {out}입니다."
    ),
    hints=(
        "구간의 왼쪽 끝과 오른쪽 끝을 가리키는 두 포인터를 사용하세요.",
        "합이 S 이상이면 왼쪽 포인터를 당겨 구간을 줄여 봅니다.",
        "모든 원소가 양수라서 포인터가 뒤로 돌아갈 필요가 없습니다.",
    ),
)


def _cards_input(rng: random.Random) -> str:
    return str(rng.randint(4, 12))


def _cards_solve(text: str) -> str:
    cards = deque(range(1, int(text.strip()) + 1))
    while len(cards) > 1:
        cards.popleft()
        cards.append(cards.popleft())
    return str(cards[0])


QUEUE = ProblemTemplate(
    key="queue",
    default_title="마지막까지 남는 카드",
    statement="1번부터 N번까지의 카드가 1번이 맨 위에 오도록 순서대로 쌓여 있습니다. 카드가 한 장 "
    "남을 때까지 맨 위 카드를 버리고, 그다음 맨 위 카드를 맨 아래로 옮기는 일을 반복합니다. "
    "마지막에 남는 카드의 번호를 구하세요.",
    input_format=("첫째 줄에 카드 수 N이 주어집니다.",),
    output_format="마지막에 남는 카드의 번호를 출력합니다.",
    constraints=("1 ≤ N ≤ {n}",),
    limits=sizes({"n": 1_000}, {"n": 100_000}, {"n": 500_000}),
    make_input=_cards_input,
    solve=_cards_solve,
    explain=lambda inp, out: f"카드 {inp.strip()}장으로 규칙을 반복하면 {out}번 카드가 남습니다.",
    hints=(
        "맨 위에서 빼고 맨 아래에 넣는 동작은 큐(덱)로 자연스럽게 표현됩니다.",
        "파이썬에서는 collections.deque의 popleft와 append를 쓰세요.",
        "리스트의 pop(0)은 느리니 피하세요.",
    ),
)


def _orders_input(rng: random.Random) -> str:
    ops = [str(rng.randint(1, 20)) if rng.random() < 0.6 else "0" for _ in range(rng.randint(5, 8))]
    # End with a removal so every example prints at least one line.
    ops.append("0")
    return "\n".join([str(len(ops)), *ops])


def _orders_solve(text: str) -> str:
    heap: list[int] = []
    printed = []
    for value in (row[0] for row in int_rows(text)[1:]):
        if value:
            heapq.heappush(heap, value)
        else:
            printed.append(str(heapq.heappop(heap)) if heap else "0")
    return "\n".join(printed)


HEAP = ProblemTemplate(
    key="heap",
    default_title="가장 작은 번호표부터",
    statement="N개의 연산이 차례로 주어집니다. 자연수 x가 주어지면 x를 보관하고, 0이 주어지면 "
    "보관한 수 중 가장 작은 수를 꺼내 출력합니다. 보관한 수가 없으면 0을 출력합니다.",
    input_format=(
        "첫째 줄에 연산 수 N이 주어집니다.",
        "다음 N개의 줄에 연산을 나타내는 정수가 하나씩 주어집니다.",
    ),
    output_format="0 연산마다 꺼낸 수를 한 줄에 하나씩 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "0 ≤ x ≤ 2,147,483,647"),
    limits=sizes({"n": 1_000}, {"n": 100_000}, {"n": 1_000_000}),
    make_input=_orders_input,
    solve=_orders_solve,
    explain=lambda inp, out: "0 연산마다 보관 중인 수 가운데 가장 작은 수를 꺼내 출력합니다.",
    hints=(
        "가장 작은 값을 빠르게 꺼내려면 최소 힙을 사용하세요.",
        "파이썬의 heapq 모듈은 최소 힙을 제공합니다.",
        "힙이 비어 있을 때의 처리를 빠뜨리지 마세요.",
    ),
)

SEQUENCE_TEMPLATES = (GREEDY, TWO_POINTER, QUEUE, HEAP)
