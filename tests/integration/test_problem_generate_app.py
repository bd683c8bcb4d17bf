"""POST problems/generate-stream inside one app (test client): contract, validation, limits."""

import pytest

from backend.app.problem_generator.parser import parse_problem
from tests.fakes.scripts import Script
from tests.support.metrics import metric_value
from tests.support.problem_app import BODY, GENERATE, app_client, generate, openai_client
from tests.support.problem_scripts import (
    DESCRIPTION,
    EXPECTED_STATUSES,
    generation_scripts,
    read_ndjson,
    statuses,
    token_text,
)


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def test_offline_generation_streams_every_stage_and_saves_the_problem(client, headers):
    lines = generate(client, headers, {**BODY, "algorithm_type": "graph"})
    assert statuses(lines) == EXPECTED_STATUSES
    assert lines[-1]["type"] == "result"
    result = lines[-1]["payload"]
    assert result["persisted"] is True
    parsed = parse_problem(token_text(lines), difficulty="medium", algorithm_type="graph")
    assert result["problem"] == parsed.model_dump()
    stored = client.get(f"/api/v1/problems/{result['problemId']}", headers=headers)
    assert stored.status_code == 200, stored.json
    data = stored.json["data"]
    assert data["problem"] == result["problem"] and data["prompt"] == BODY["prompt"]
    assert (data["difficulty"], data["persisted"]) == ("medium", True)


def test_tokens_come_after_description_started_and_before_it_is_done(client, headers):
    lines = generate(client, headers)
    kinds = [
        ln["type"] if ln["type"] != "status" else tuple(ln["payload"].values())[:2] for ln in lines
    ]
    first_token, last_token = kinds.index("token"), len(kinds) - 1 - kinds[::-1].index("token")
    assert kinds[first_token - 1] == ("description", "started")
    assert kinds[last_token + 1] == ("description", "done")


def test_openai_generation_matches_the_scripted_description(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    fake_openai.script(*generation_scripts())
    lines = generate(client, headers)
    assert statuses(lines) == EXPECTED_STATUSES
    assert token_text(lines) == DESCRIPTION
    problem = lines[-1]["payload"]["problem"]
    assert problem["title"] == "해저 연구소 탈출" and problem["algorithm_type"] == "graph"
    assert problem["examples"] == [
        {"input": "2 2\n..\n#.", "output": "2", "explanation": "오른쪽, 아래로 두 번 이동합니다."}
    ]
    analysis, variation, description, solution = fake_openai.requests
    streamed = (analysis.stream, variation.stream, description.stream, solution.stream)
    assert streamed == (False, False, True, False)  # only the description is streamed


def test_gemini_generation_matches_the_scripted_description(make_settings, fake_gemini):
    client, headers = app_client(
        make_settings,
        LLM_PROVIDER="gemini",
        GOOGLE_API_KEY="k",
        GEMINI_BASE_URL=fake_gemini.base_url,
    )
    fake_gemini.script(*generation_scripts())
    lines = generate(client, headers)
    assert statuses(lines) == EXPECTED_STATUSES
    assert token_text(lines) == DESCRIPTION
    assert lines[-1]["payload"]["problem"]["title"] == "해저 연구소 탈출"


def test_missing_required_section_ends_with_one_error_line(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    broken = DESCRIPTION.replace("## 입력 형식", "## 메모")
    fake_openai.script(*generation_scripts(broken))
    lines = generate(client, headers)
    assert token_text(lines) == broken
    assert [ln["type"] for ln in lines].count("error") == 1 and lines[-1]["type"] == "error"
    assert lines[-1]["payload"]["code"] == "GENERATION_FAILED"
    assert "input_format" in lines[-1]["payload"]["message"]
    assert not any(ln["type"] == "result" for ln in lines)


def test_unusable_analysis_is_retried_once_then_fails(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    fake_openai.script("분석할 수 없어요", "여전히 모르겠어요")
    lines = generate(client, headers)
    assert statuses(lines) == [("analysis", "started")]
    assert lines[-1]["type"] == "error" and lines[-1]["payload"]["code"] == "GENERATION_FAILED"
    assert len(fake_openai.requests) == 2


def test_model_error_before_streaming_is_an_error_line(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    fake_openai.script(*generation_scripts()[:2], Script.error(500))
    lines = generate(client, headers)
    assert statuses(lines)[-1] == ("description", "started")
    assert lines[-1]["type"] == "error" and lines[-1]["payload"]["code"] == "GENERATION_FAILED"


def test_stream_cut_by_the_model_is_never_a_result(make_settings, fake_openai):
    client, headers = openai_client(make_settings, fake_openai)
    fake_openai.script(*generation_scripts(Script(content=DESCRIPTION, chunk_size=7, drop_after=5)))
    lines = generate(client, headers)
    assert token_text(lines) == DESCRIPTION[:35]
    assert lines[-1]["type"] == "error" and lines[-1]["payload"]["code"] == "GENERATION_FAILED"
    assert not any(ln["type"] == "result" for ln in lines)


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "", "difficulty": "easy"},
        {"prompt": "   \n\t ", "difficulty": "easy"},
        {"prompt": "가" * 2001, "difficulty": "easy"},
        {"prompt": "문제", "difficulty": "extreme"},
        {"prompt": "문제"},
        {"difficulty": "easy"},
        {"prompt": 42, "difficulty": "easy"},
        {"prompt": "문제", "difficulty": "easy", "algorithm_type": "x" * 65},
        {"prompt": "문제", "difficulty": "easy", "algorithm_type": "  "},
        {"prompt": "문제", "difficulty": "easy", "algorithm_type": "a\nb"},
        {"prompt": "문제\x00", "difficulty": "easy"},
        {"prompt": "문제", "difficulty": "easy", "extra": True},
    ],
)
def test_bad_input_is_422_before_streaming(client, headers, body):
    response = client.post(GENERATE, json=body, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["success"] is False
    assert response.json["error"]["code"] == "VALIDATION_ERROR"


def test_prompt_is_trimmed_and_2000_characters_are_fine(client, headers):
    lines = generate(client, headers, {"prompt": "  " + "가" * 2000 + "  ", "difficulty": "easy"})
    assert lines[-1]["type"] == "result"


def test_generation_needs_a_token(client):
    response = client.post(GENERATE, json=BODY)
    assert response.status_code == 401 and response.json["error"]["code"] == "UNAUTHORIZED"


def test_concurrent_generations_are_capped_per_user(make_settings):
    client, headers = app_client(make_settings, MAX_CONCURRENT_RUNS_PER_USER=2)
    # Unread streaming responses keep their run slots, like generations still running.
    open_streams = [client.post(GENERATE, json=BODY, headers=headers) for _ in range(2)]
    refused = client.post(GENERATE, json=BODY, headers=headers)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "RATE_LIMITED"
    assert refused.headers["Retry-After"]
    for response in open_streams:
        assert read_ndjson(response.get_data(as_text=True))[-1]["type"] == "result"
    assert generate(client, headers)[-1]["type"] == "result"


def test_generations_are_counted_in_metrics(client, headers):
    # The registry is the process's: compare before and after, not mere presence.
    def counts():
        return (
            metric_value(client, "tutor_stream_outcomes_total", kind="problem", outcome="success"),
            metric_value(client, "tutor_stream_first_block_seconds_count", kind="problem"),
        )

    before = counts()
    generate(client, headers)
    assert counts() == (before[0] + 1, before[1] + 1)
