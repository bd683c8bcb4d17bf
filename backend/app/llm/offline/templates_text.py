"""Problem templates for strings, stacks, hashing and plain implementation."""

from __future__ import annotations

import random
from collections import Counter
from itertools import groupby

from backend.app.llm.offline.problem_template import ProblemTemplate, sizes
from backend.app.llm.offline.text_utils import with_josa


def _runs_input(rng: random.Random) -> str:
    return "".join(rng.choice("abc") * rng.randint(1, 4) for _ in range(rng.randint(4, 6)))


def _runs_solve(text: str) -> str:
    return "".join(f"{char}{len(list(run))}" for char, run in groupby(text.strip()))


STRING = ProblemTemplate(
    key="string",
    default_title="문자열 압축하기",
    statement="알파벳 소문자로 이루어진 문자열 S가 주어집니다. 같은 문자가 연속된 구간을 "
    "'문자 + 연속 개수'로 바꾸어 압축한 문자열을 출력하세요. 예를 들어 aaab는 a3b1이 됩니다.",
    input_format=("첫째 줄에 문자열 S가 주어집니다.",),
    output_format="압축한 문자열을 출력합니다.",
    constraints=("1 ≤ |S| ≤ {n}", "S는 알파벳 소문자로만 이루어져 있습니다."),
    limits=sizes({"n": 100}, {"n": 100_000}, {"n": 1_000_000}),
    make_input=_runs_input,
    solve=_runs_solve,
    explain=lambda inp, out: (
        f"{inp}에서 연속된 같은 문자를 묶으면 {with_josa(out, '이/가')} 됩니다."
    ),
    hints=(
        "문자열을 앞에서부터 훑으며 직전 문자와 같은지 비교하세요.",
        "문자가 바뀌는 순간 지금까지의 문자와 개수를 결과에 붙입니다.",
        "마지막 구간을 결과에 붙이는 것을 잊지 마세요.",
    ),
)


def _brackets_input(rng: random.Random) -> str:
    lines = ["".join(rng.choice("()[]") for _ in range(2 * rng.randint(1, 3))) for _ in range(2)]
    lines.insert(rng.randint(0, 2), "([" + "()" * rng.randint(0, 2) + "])")
    return "\n".join([str(len(lines)), *lines])


def _brackets_ok(line: str) -> bool:
    pairs = {")": "(", "]": "["}
    stack: list[str] = []
    for char in line:
        if char in "([":
            stack.append(char)
        elif not stack or stack.pop() != pairs[char]:
            return False
    return not stack


def _brackets_solve(text: str) -> str:
    lines = text.strip().splitlines()[1:]
    return "\n".join("YES" if _brackets_ok(line) else "NO" for line in lines)


STACK = ProblemTemplate(
    key="stack",
    default_title="괄호 짝 맞추기",
    statement="소괄호 ()와 대괄호 []로만 이루어진 문자열 T개가 주어집니다. 각 문자열의 괄호가 "
    "올바르게 짝지어져 있으면 YES, 아니면 NO를 출력하세요.",
    input_format=(
        "첫째 줄에 문자열 수 T가 주어집니다.",
        "다음 T개의 줄에 괄호 문자열이 하나씩 주어집니다.",
    ),
    output_format="각 문자열에 대해 YES 또는 NO를 한 줄에 하나씩 출력합니다.",
    # The total bounds the input at what a linear solution reads in time (T * n would be
    # 10^8 characters at the hard level).
    constraints=("1 ≤ T ≤ {t}", "1 ≤ 문자열 길이 ≤ {n}", "모든 문자열 길이의 합 ≤ {total}"),
    limits=sizes(
        {"t": 10, "n": 100, "total": 1_000},
        {"t": 100, "n": 10_000, "total": 1_000_000},
        {"t": 1_000, "n": 100_000, "total": 1_000_000},
    ),
    make_input=_brackets_input,
    solve=_brackets_solve,
    explain=lambda inp, out: f"올바른 괄호 문자열은 {out.split().count('YES')}개입니다.",
    hints=(
        "여는 괄호는 스택에 넣고, 닫는 괄호가 나오면 스택 맨 위와 짝이 맞는지 확인하세요.",
        "문자열을 다 읽은 뒤 스택이 비어 있어야 올바른 문자열입니다.",
        "닫는 괄호가 나왔는데 스택이 비어 있으면 바로 NO입니다.",
    ),
)

_WORDS = ("사과", "바나나", "포도", "딸기", "수박")


def _words_input(rng: random.Random) -> str:
    words = [rng.choice(_WORDS[: rng.randint(3, 5)]) for _ in range(rng.randint(6, 9))]
    return "\n".join([str(len(words)), " ".join(words)])


def _words_solve(text: str) -> str:
    counts = Counter(text.strip().splitlines()[1].split())
    word, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return f"{word} {count}"


def _words_explain(inp: str, out: str) -> str:
    word, count = out.split()
    return f"{with_josa(word, '이/가')} {count}번으로 가장 많이 등장합니다."


HASH = ProblemTemplate(
    key="hash",
    default_title="가장 인기 있는 단어",
    statement="N개의 단어가 주어질 때 가장 많이 등장한 단어와 그 횟수를 출력하세요. "
    "가장 많이 등장한 단어가 여러 개라면 사전 순으로 가장 앞선 단어를 출력합니다.",
    input_format=(
        "첫째 줄에 단어 수 N이 주어집니다.",
        "둘째 줄에 N개의 단어가 공백으로 구분되어 주어집니다.",
    ),
    output_format="가장 많이 등장한 단어와 등장 횟수를 공백으로 구분해 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "단어의 길이는 10 이하입니다."),
    limits=sizes({"n": 100}, {"n": 100_000}, {"n": 1_000_000}),
    make_input=_words_input,
    solve=_words_solve,
    explain=_words_explain,
    hints=(
        "딕셔너리(해시 맵)에 단어별 등장 횟수를 세어 보세요.",
        "횟수는 내림차순, 단어는 오름차순이 되도록 비교 기준을 정하세요.",
        "collections.Counter를 쓰면 더 간단해요.",
    ),
)

_MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}


def _moves_input(rng: random.Random) -> str:
    moves = [rng.choice("UDLR") for _ in range(rng.randint(5, 8))]
    return "\n".join([str(rng.randint(3, 5)), " ".join(moves)])


def _moves_solve(text: str) -> str:
    size_line, moves_line = text.strip().splitlines()
    size, row, col = int(size_line), 1, 1
    for move in moves_line.split():
        d_row, d_col = _MOVES[move]
        if 1 <= row + d_row <= size and 1 <= col + d_col <= size:
            row, col = row + d_row, col + d_col
    return f"{row} {col}"


IMPLEMENTATION = ProblemTemplate(
    key="implementation",
    default_title="격자 위의 여행",
    statement="N×N 격자의 왼쪽 위 칸 (1, 1)에서 출발합니다. U(위), D(아래), L(왼쪽), R(오른쪽) "
    "이동 명령을 차례로 수행하되, 격자 밖으로 나가는 명령은 무시합니다. 최종 위치를 구하세요.",
    input_format=(
        "첫째 줄에 격자 크기 N이 주어집니다.",
        "둘째 줄에 이동 명령이 공백으로 구분되어 주어집니다.",
    ),
    output_format="최종 위치의 행 번호와 열 번호를 공백으로 구분해 출력합니다.",
    constraints=("1 ≤ N ≤ {n}", "1 ≤ 명령 수 ≤ {m}"),
    limits=sizes({"n": 100, "m": 100}, {"n": 1_000, "m": 10_000}, {"n": 1_000_000, "m": 100_000}),
    make_input=_moves_input,
    solve=_moves_solve,
    explain=lambda inp, out: (
        f"격자 밖으로 나가는 명령은 건너뛰며 이동하면 최종 위치는 ({out.replace(' ', ', ')})입니다."
    ),
    hints=(
        "방향마다 행과 열의 변화량을 표로 만들어 두세요.",
        "이동하기 전에 새 위치가 격자 안인지 먼저 확인합니다.",
        "행과 열이 1부터 시작한다는 점에 주의하세요.",
    ),
)

TEXT_TEMPLATES = (STRING, STACK, HASH, IMPLEMENTATION)
