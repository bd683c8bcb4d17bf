"""The verification stage (DESIGN 4.3) inside one app: the reference solution, the repair call,
what the result, the stored item and the metrics say, and every way the stage is skipped."""

from __future__ import annotations

import json

import pytest

from backend.app.llm.prompt_tags import find_tag
from backend.app.problem_generator.sandbox import Sandbox
from backend.app.services.container import services
from tests.fakes.scripts import Script
from tests.support.metrics import metric_value
from tests.support.problem_app import generate, openai_client
from tests.support.problem_scripts import (
    DESCRIPTION,
    EXPECTED_STATUSES,
    SOLUTION,
    generation_scripts,
    solution_reply,
    statuses,
)

# The example's output written wrong, as models often do (the shortest path is 2 moves).
WRONG_DESCRIPTION = DESCRIPTION.replace("출력:\n```\n2\n```", "출력:\n```\n3\n```")
# A solution with an off-by-one: it prints the number of cells on the path, not the moves.
WRONG_SOLUTION = SOLUTION.replace(
    "print(distance[n - 1][m - 1])", "print(distance[n - 1][m - 1] + 1)"
)


def corrected_examples_reply(output: str) -> str:
    """A repair reply correcting example 0's output."""
    body = json.dumps({"examples": [{"index": 0, "output": output}]})
    return f"예제 출력이 틀렸습니다.\n```json\n{body}\n```\n"


@pytest.fixture
def verified(make_settings, fake_openai):
    """A test client on the OpenAI fake, and a function that generates and returns the lines."""
    client, headers = openai_client(make_settings, fake_openai)

    def run(*scripts):
        fake_openai.script(*scripts)
        return generate(client, headers)

    run.client, run.headers, run.fake = client, headers, fake_openai
    return run


def result_of(lines: list[dict]) -> dict:
    assert lines[-1]["type"] == "result", lines[-1]
    return lines[-1]["payload"]


def stored(run, result: dict) -> dict:
    response = run.client.get(f"/api/v1/problems/{result['problemId']}", headers=run.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["data"]


def test_examples_that_agree_pass_and_the_solution_is_stored_but_never_streamed(verified):
    before = metric_value(
        verified.client, "tutor_problem_verifications_total", status="passed", repaired="false"
    )
    lines = verified(*generation_scripts())
    assert statuses(lines) == EXPECTED_STATUSES
    result = result_of(lines)
    verification = result["verification"]
    assert verification["status"] == "passed" and verification["repaired"] is False
    assert verification["examples"] == [{"index": 0, "passed": True}]
    assert verification["runtime_ms"] > 0 and "reason" not in verification
    raw = json.dumps(lines, ensure_ascii=False)
    assert "deque" not in raw, "the reference solution must never reach the stream"
    # The fourth call asked for the solution, with the parsed examples in the prompt.
    solution_prompt = json.dumps(verified.fake.requests[3].body, ensure_ascii=False)
    assert "problem_solution" in solution_prompt and "#." in solution_prompt

    data = stored(verified, result)
    assert data["verification"] == verification
    assert data["reference_solution"].strip() == SOLUTION.strip()
    listed = verified.client.get("/api/v1/problems", headers=verified.headers).get_json()
    assert listed["data"]["items"][0]["verification_status"] == "passed"
    after = metric_value(
        verified.client, "tutor_problem_verifications_total", status="passed", repaired="false"
    )
    assert after == before + 1


def test_a_wrong_example_output_is_fixed_by_the_repair_call(verified):
    lines = verified(*generation_scripts(WRONG_DESCRIPTION), corrected_examples_reply("2"))
    result = result_of(lines)
    assert result["verification"]["status"] == "passed"
    assert result["verification"]["repaired"] is True
    assert result["problem"]["examples"][0]["output"] == "2"
    repair_prompt = verified.fake.requests[4].messages[-1]["content"]
    assert find_tag(repair_prompt, "task") == "problem_repair"
    runs = json.loads(find_tag(repair_prompt, "runs"))
    assert runs == [
        {"index": 0, "input": "2 2\n..\n#.", "expected": "3", "actual": "2\n", "error": None}
    ]
    data = stored(verified, result)
    assert data["problem"]["examples"][0]["output"] == "2"
    assert data["verification"]["status"] == "passed"


def test_a_wrong_solution_is_replaced_by_the_repair_call(verified):
    lines = verified(*generation_scripts(solution=WRONG_SOLUTION), solution_reply(SOLUTION))
    result = result_of(lines)
    assert result["verification"]["status"] == "passed" and result["verification"]["repaired"]
    assert result["problem"]["examples"][0]["output"] == "2"  # the example was right
    assert stored(verified, result)["reference_solution"].strip() == SOLUTION.strip()


def test_examples_still_wrong_after_the_repair_fail_with_the_actual_output(verified):
    lines = verified(*generation_scripts(WRONG_DESCRIPTION), corrected_examples_reply("4"))
    result = result_of(lines)
    verification = result["verification"]
    assert verification["status"] == "failed" and verification["repaired"] is True
    assert verification["examples"] == [{"index": 0, "passed": False, "actual": "2\n"}]
    assert "did not match" in verification["reason"]
    assert result["persisted"] is True  # a failed verification still saves the problem
    assert stored(verified, result)["verification"] == verification
    listed = verified.client.get("/api/v1/problems", headers=verified.headers).get_json()
    assert listed["data"]["items"][0]["verification_status"] == "failed"


def test_a_repair_reply_with_nothing_usable_leaves_the_verification_failed(verified):
    lines = verified(*generation_scripts(WRONG_DESCRIPTION), "잘 모르겠습니다.")
    verification = result_of(lines)["verification"]
    assert verification["status"] == "failed" and verification["repaired"] is False
    assert verification["examples"][0]["actual"] == "2\n"


def test_a_crashing_solution_reports_its_error(verified):
    crashing = "import sys\nprint(int(sys.stdin.read()) // 0)\n"
    lines = verified(*generation_scripts(solution=crashing), "모르겠어요.")
    check = result_of(lines)["verification"]["examples"][0]
    assert check["passed"] is False and "ValueError" in check["error"]


@pytest.mark.parametrize(
    "reply",
    [Script.error(500), "풀이를 쓸 수 없습니다."],
    ids=["model-error", "no-program"],
)
def test_no_usable_solution_skips_the_verification_and_keeps_the_problem(verified, reply):
    lines = verified(*generation_scripts(solution=reply))
    assert statuses(lines) == EXPECTED_STATUSES
    result = result_of(lines)
    assert result["verification"] == {
        "status": "skipped",
        "reason": "The model did not write a usable reference solution.",
        "examples": [],
        "runtime_ms": 0,
        "repaired": False,
    }
    assert result["persisted"] is True
    assert stored(verified, result)["reference_solution"] is None


def test_verification_off_makes_no_solution_call(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai, PROBLEM_VERIFICATION="OFF")
    fake_openai.script(*generation_scripts()[:3])
    lines = generate(client, headers)
    assert statuses(lines) == EXPECTED_STATUSES
    verification = result_of(lines)["verification"]
    assert (
        verification["status"] == "skipped" and "PROBLEM_VERIFICATION=off" in verification["reason"]
    )
    assert len(fake_openai.requests) == 3


def test_without_a_usable_sandbox_auto_skips_with_the_reason(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    services(client.application).problem_streams.sandbox = Sandbox(bwrap="/nonexistent/bwrap")
    fake_openai.script(*generation_scripts()[:3])
    verification = result_of(generate(client, headers))["verification"]
    assert verification["status"] == "skipped"
    assert verification["reason"].startswith("The sandbox cannot start on this server: ")
    assert len(fake_openai.requests) == 3, "no solution is asked for when nothing can run it"


def test_the_offline_model_verifies_its_own_problems(client, auth):
    headers = auth.new_user_headers()
    for algorithm_type in ("graph", "sorting", "dynamic_programming"):
        body = {"prompt": "연습 문제", "difficulty": "easy", "algorithm_type": algorithm_type}
        lines = generate(client, headers, body)
        verification = result_of(lines)["verification"]
        assert verification["status"] == "passed", (algorithm_type, verification)
        assert all(check["passed"] for check in verification["examples"])
