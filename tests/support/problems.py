"""Sample generated problems and records for store tests."""

from __future__ import annotations

import uuid

from backend.app.domain.problems import GeneratedProblem
from backend.app.domain.verification import ExampleCheck, Verification
from backend.app.services.container import services
from backend.app.storage.problems import ProblemRecord


def sample_problem(**overrides) -> GeneratedProblem:
    """A valid GeneratedProblem with every list field filled."""
    values = {
        "title": "두 수의 합",
        "description": "정수 배열에서 합이 target인 두 수의 위치를 찾으세요.",
        "input_format": "첫 줄에 n과 target, 둘째 줄에 n개의 정수",
        "output_format": "두 위치를 공백으로 구분해 출력",
        "constraints": ["2 <= n <= 10^5", "-10^9 <= a_i <= 10^9"],
        "examples": [{"input": "4 9\n2 7 11 15", "output": "0 1", "explanation": "2 + 7 = 9"}],
        "hints": ["해시맵에 본 값을 기록하세요."],
        "difficulty": "easy",
        "algorithm_type": "hash_map",
        **overrides,
    }
    return GeneratedProblem.model_validate(values)


def make_record(user_id: str | None = None, **overrides) -> ProblemRecord:
    """A record for `user_id` (a fresh user when omitted); keyword arguments override fields."""
    values = {
        "user_id": user_id or f"user-{uuid.uuid4().hex[:8]}",
        "prompt": "배열에서 두 수의 합을 찾는 문제",
        "problem": sample_problem(),
        **overrides,
    }
    return ProblemRecord(**values)


REFERENCE_SOLUTION = (
    "import sys\n\n"
    "def main():\n"
    "    n, target = map(int, sys.stdin.readline().split())\n"
    "    seen = {}  # 값 -> 위치\n"
    "    for i, a in enumerate(map(int, sys.stdin.readline().split())):\n"
    "        if target - a in seen:\n"
    "            print(seen[target - a], i)\n"
    "            return\n"
    "        seen[a] = i\n\n"
    "main()\n"
)


def sample_verification(status: str = "passed") -> Verification:
    """A verification of each status, every optional field used where it fits."""
    if status == "skipped":
        return Verification.skipped("bubblewrap is not installed")
    if status == "passed":
        examples = [ExampleCheck(index=0, passed=True), ExampleCheck(index=1, passed=True)]
        return Verification(status="passed", examples=examples, runtime_ms=187, repaired=True)
    examples = [
        ExampleCheck(index=0, passed=True),
        ExampleCheck(index=1, passed=False, actual=""),  # printed nothing
        ExampleCheck(index=2, passed=False, actual="1 0\n", error="ZeroDivisionError: 0"),
    ]
    return Verification(
        status="failed", reason="2 of 3 examples differ", examples=examples, runtime_ms=2031
    )


def make_verified_record(user_id: str | None = None, status: str = "passed", **overrides):
    """A record with a verification of `status` and a reference solution."""
    values = {"verification": sample_verification(status), "reference_solution": REFERENCE_SOLUTION}
    return make_record(user_id, **{**values, **overrides})


def timestamp(second: int) -> str:
    """A fixed createdAt, `second` seconds into a minute, in the stores' text format."""
    return f"2026-11-22T00:00:{second:02d}.000000Z"


def registered_user(auth) -> dict:
    """A freshly registered user of the test client: its id and Authorization headers."""
    registered = auth.register()
    tokens = auth.login(registered["username"])
    return {
        "id": registered["id"],
        "headers": {"Authorization": f"Bearer {tokens['access_token']}"},
    }


def seed(app, *records: ProblemRecord) -> None:
    """Save records through the app's own problem store."""
    with app.app_context():
        for record in records:
            assert services().problems.save(record) is True
