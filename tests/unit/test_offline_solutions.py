"""The offline model's reference programs print what their templates compute, and fast.

Every template's program runs as a real Python process: on many inputs through a small
harness (one process per template), on the examples of a description through the real
prompt and reply path, and on an input at the template's hard limits.
"""

from __future__ import annotations

import json
import random
import re
import resource
import string
import subprocess
import sys

import pytest

from backend.app.domain.problems import Example
from backend.app.domain.verification import ExampleCheck, Verification
from backend.app.llm.offline import OfflineChatModel, render_tag
from backend.app.llm.offline.description import TEMPLATES, compose_description, example_inputs
from backend.app.llm.offline.solutions import PROGRAMS, compose_repair, compose_solution
from backend.app.problem_generator.parser import parse_problem
from backend.app.problem_generator.solution_text import extract_corrected_outputs, extract_program
from backend.app.problem_generator.verification import outputs_match
from backend.app.problem_generator.verification_prompts import (
    build_repair_messages,
    build_solution_messages,
)

KEYS = sorted(TEMPLATES)
LETTERS = string.ascii_lowercase
# Loads the program once (its main() guard keeps it from running) and calls main() per input.
HARNESS = r"""
import io, json, sys
program, inputs = json.load(sys.stdin)
namespace = {"__name__": "reference_solution"}
exec(compile(program, "<solution>", "exec"), namespace)
outputs = []
for given in inputs:
    sys.stdin, sys.stdout = io.StringIO(given), io.StringIO()
    namespace["main"]()
    outputs.append(sys.stdout.getvalue())
sys.stdout = sys.__stdout__
json.dump(outputs, sys.stdout)
"""


def _chords(rng: random.Random, count: int, n: int) -> list[str]:
    """Return random edges u v with u != v."""
    chords = []
    for _ in range(count):
        u, v = rng.randint(1, n), rng.randint(1, n - 1)
        chords.append(f"{u} {v + (v >= u)}")
    return chords


def _words(rng: random.Random, count: int) -> list[str]:
    """Return random lowercase words of 1 to 10 letters."""
    return ["".join(rng.choices(LETTERS, k=rng.randint(1, 10))) for _ in range(count)]


# Inputs of a chosen size (a difficulty's limits), shaped to make each program work hard.
SIZED = {
    "sorting": lambda rng, n: "\n".join(
        [
            str(n),
            *(f"{''.join(rng.choices(LETTERS, k=5))}{i} {rng.randint(0, 100)}" for i in range(n)),
        ]
    ),
    "graph": lambda rng, n, m: "\n".join(
        # A long path keeps the far end reachable; random chords add the remaining edges.
        [f"{n} {m}", *(f"{v} {v + 1}" for v in range(1, n)), *_chords(rng, m - n + 1, n)]
    ),
    "dynamic_programming": lambda rng, n, w: "\n".join(
        # Weights near W/100 make the table fill up about halfway through the items.
        [
            f"{n} {w}",
            *(f"{rng.randint(w // 120 + 1, w // 80 + 1)} {rng.randint(1, 1000)}" for _ in range(n)),
        ]
    ),
    "binary_search": lambda rng, n: "\n".join(
        [
            str(n),
            " ".join(map(str, sorted(rng.choices(range(1, 10 * n), k=n)))),
            str(n),
            " ".join(map(str, rng.choices(range(1, 10 * n), k=n))),
        ]
    ),
    "greedy": lambda rng, n: "\n".join(
        [
            str(n),
            *(f"{s} {s + rng.randint(1, 10**6)}" for s in rng.choices(range(10**9 - 10**6), k=n)),
        ]
    ),
    "two_pointer": lambda rng, n: "\n".join(
        [
            f"{n} {rng.randint(10_000, 100_000)}",
            " ".join(map(str, rng.choices(range(1, 10_001), k=n))),
        ]
    ),
    "queue": lambda rng, n: str(n),
    "heap": lambda rng, n: "\n".join(
        [str(n), *(str(rng.randint(1, 2**31 - 1)) if rng.random() < 0.6 else "0" for _ in range(n))]
    ),
    "string": lambda rng, n: "".join(rng.choices(LETTERS, k=n)),
    "stack": lambda rng, t, n, total: "\n".join(
        # Deeply nested and valid: every character has to be read; as many of the longest
        # strings as the total length allows.
        [str(min(t, total // n)), *(["([" * (n // 4) + "])" * (n // 4)] * min(t, total // n))]
    ),
    "hash": lambda rng, n: "\n".join([str(n), " ".join(rng.choices(_words(rng, 5_000), k=n))]),
    "implementation": lambda rng, n, m: "\n".join([str(n), " ".join(rng.choices("UDLR", k=m))]),
}


# Cases the random inputs seldom reach: no answer, a single item, ties, an early mismatch.
EDGE_CASES = {
    "sorting": ["1\n도윤 0", "3\n하린 90\n도윤 90\n서연 100"],
    "graph": ["4 1\n1 2", "2 1\n2 1", "5 3\n3 4\n4 5\n1 3"],
    "dynamic_programming": ["1 5\n5 7", "2 3\n3 10\n2 11"],
    "binary_search": ["1\n5\n3\n4 5 6", "4\n2 2 2 2\n1\n2"],
    "greedy": ["1\n0 1", "3\n1 3\n3 5\n1 5", "2\n2 4\n2 4"],
    "two_pointer": ["3 100\n1 2 3", "1 5\n5", "4 6\n1 5 1 5"],
    "queue": ["1", "2", "3"],
    "heap": ["2\n0\n0", "4\n5\n5\n0\n0", "1\n2147483647"],
    "string": ["a", "zzzzzzzzzzzz", "abab"],
    "stack": ["3\n)(\n([)]\n((", "2\n[]\n(])"],
    "hash": ["1\n사과", "4\n포도 딸기 포도 딸기"],
    "implementation": ["1\nU D L R", "2\nR R D D"],
}


def _sized_input(key: str, rng: random.Random, difficulty: str) -> str:
    return SIZED[key](rng, *TEMPLATES[key].limits[difficulty].values())


def _run_many(program: str, inputs: list[str]) -> list[str]:
    given = [text if text.endswith("\n") else text + "\n" for text in inputs]
    done = subprocess.run(
        [sys.executable, "-c", HARNESS],
        input=json.dumps([program, given]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def _run(program: str, given: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", program],
        input=given + "\n",
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_every_template_has_a_standard_library_program():
    assert set(PROGRAMS) == set(TEMPLATES)
    for program in PROGRAMS.values():
        compile(program, "<solution>", "exec")
        modules = re.findall(r"^(?:from|import) (\w+)", program, re.MULTILINE)
        assert set(modules) <= {"sys", "bisect", "collections", "heapq", "itertools"}
        assert "def main():" in program and 'if __name__ == "__main__":' in program


@pytest.mark.parametrize("key", KEYS)
def test_program_prints_what_solve_returns(key):
    template = TEMPLATES[key]
    inputs = [template.make_input(random.Random(seed)) for seed in range(40)]
    for difficulty in ("easy", "medium", "hard"):
        for title in ("", "예제 제목", "다른 제목"):
            inputs += example_inputs(template, title, difficulty)
    inputs += [_sized_input(key, random.Random(seed), "easy") for seed in range(3)]
    inputs.append(_sized_input(key, random.Random(3), "medium"))
    inputs += EDGE_CASES[key]
    outputs = _run_many(PROGRAMS[key], inputs)
    wrong = [
        (given, actual)
        for given, actual in zip(inputs, outputs, strict=True)
        if not outputs_match(template.solve(given), actual)
    ]
    assert len(inputs) >= 60
    assert not wrong


@pytest.mark.parametrize("key", KEYS)
def test_program_from_the_solution_reply_passes_the_parsed_examples(key):
    description = compose_description(
        render_tag("prompt", f"{key} 문제")
        + render_tag("difficulty", "hard")
        + render_tag("algorithm_type", key)
        + render_tag("title", f"{key} 연습")
    )
    problem = parse_problem(description, difficulty="hard", algorithm_type=key)
    reply = OfflineChatModel(tokens_per_second=0).invoke(build_solution_messages(problem))
    program = extract_program(str(reply.content))
    assert program is not None and program.strip() == PROGRAMS[key].strip()
    assert len(problem.examples) == 3
    for example in problem.examples:
        run = _run(program, example.input)
        assert run.returncode == 0, run.stderr
        assert outputs_match(example.output, run.stdout)


@pytest.mark.parametrize("key", KEYS)
def test_hard_limit_input_takes_under_two_cpu_seconds(key):
    given = _sized_input(key, random.Random(7), "hard")
    # CPU time, as a judge counts it: other work on the machine does not inflate it.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = _run(PROGRAMS[key], given)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert run.returncode == 0, run.stderr
    assert used < 2.0, f"{key}: {used:.2f} s of CPU"
    # Correctness is pinned on smaller inputs above; solve itself is slow at this size.
    assert run.stdout.strip()


def test_solution_reply_is_a_sentence_and_one_python_fence():
    reply = compose_solution(render_tag("algorithm_type", "heap") + render_tag("problem", "문제"))
    sentence, _, rest = reply.partition("```python\n")
    assert sentence.strip().startswith("우선순위 큐 참조 풀이입니다.")
    assert reply.count("```") == 2
    assert rest.rstrip().removesuffix("```") == PROGRAMS["heap"]


def test_solution_without_a_type_is_inferred_from_the_prompt_or_problem():
    by_prompt = compose_solution(render_tag("prompt", "이분 탐색 연습 문제"))
    by_problem = compose_solution(render_tag("problem", "## 괄호 짝\n스택을 쓰는 문제"))
    assert extract_program(by_prompt) == PROGRAMS["binary_search"]
    assert extract_program(by_problem) == PROGRAMS["stack"]


def _problem_with_wrong_outputs(key: str):
    description = compose_description(
        render_tag("algorithm_type", key)
        + render_tag("difficulty", "hard")
        + render_tag("title", "수리")
    )
    problem = parse_problem(description, difficulty="hard", algorithm_type=key)
    right = [example.output for example in problem.examples]
    examples = [Example(input=e.input, output="999\n오답") for e in problem.examples[:2]]
    return problem.model_copy(update={"examples": [*examples, *problem.examples[2:]]}), right


@pytest.mark.parametrize("key", ["sorting", "graph", "hash", "implementation"])
def test_repair_reply_corrects_the_wrong_example_outputs(key):
    problem, right = _problem_with_wrong_outputs(key)
    checks = [
        ExampleCheck(index=0, passed=False, actual=right[0]),
        ExampleCheck(index=2, passed=True),
    ]
    checks.insert(1, ExampleCheck(index=1, passed=False, actual=right[1], error="wrong answer"))
    verification = Verification(status="failed", examples=checks)
    messages = build_repair_messages(problem, PROGRAMS[key], verification)
    reply = str(OfflineChatModel(tokens_per_second=0).invoke(messages).content)
    fenced = re.search(r"```json\n(.*?)\n```", reply, re.DOTALL)
    assert fenced is not None and "```python" not in reply
    assert [item["index"] for item in json.loads(fenced.group(1))["examples"]] == [0, 1]
    assert extract_corrected_outputs(reply) == {0: right[0], 1: right[1]}


@pytest.mark.parametrize(
    "runs",
    [
        None,
        "JSON이 아닙니다",
        json.dumps({"index": 0, "input": "3"}),
        json.dumps([{"index": "0", "input": "3"}, {"index": 1, "input": 5}]),
        json.dumps([{"index": 0, "input": "세 개의 정점"}]),
    ],
)
def test_repair_without_readable_runs_replies_with_the_program(runs):
    text = render_tag("algorithm_type", "graph")
    if runs is not None:
        text += render_tag("runs", runs)
    reply = compose_repair(text)
    assert "```json" not in reply
    assert extract_program(reply) == PROGRAMS["graph"]
