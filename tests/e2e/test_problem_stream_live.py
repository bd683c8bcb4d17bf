"""Problem generation (DESIGN 4.3) on a live multi-worker gunicorn with the fake OpenAI model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid

import httpx
import pytest

from backend.app.problem_generator.parser import parse_problem
from tests.fakes.scripts import Script
from tests.support.live_server import live_server_on_fake, new_user, openai_fake_env
from tests.support.problem_scripts import (
    DESCRIPTION,
    EXPECTED_STATUSES,
    GENERATE,
    GRID_REQUEST,
    generation_scripts,
    read_ndjson,
    statuses,
    token_text,
)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """Four gevent workers sharing the module's fake model."""
    data_dir = tmp_path_factory.mktemp("problem-stream-live")
    with live_server_on_fake(fake_openai_module, data_dir) as live:
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    return fake_openai_shared


def test_generation_streams_stages_tokens_and_a_readable_result(server, fake):
    base = server.base_url
    headers = new_user(base)
    fake.script(*generation_scripts())
    with httpx.stream(
        "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        assert r.headers["cache-control"] == "no-cache"
        assert r.headers["x-accel-buffering"] == "no"
        raw_lines = list(r.iter_lines())
    lines = read_ndjson("\n".join(raw_lines))
    assert all(set(line) == {"type", "payload"} for line in lines)
    assert statuses(lines) == EXPECTED_STATUSES
    assert token_text(lines) == DESCRIPTION
    assert [ln["type"] for ln in lines].count("result") == 1 and lines[-1]["type"] == "result"
    result = lines[-1]["payload"]
    expected = parse_problem(DESCRIPTION, difficulty="medium", algorithm_type="graph")
    assert result["problem"] == expected.model_dump() and result["persisted"] is True
    uuid.UUID(result["problemId"], version=4)

    stored = httpx.get(f"{base}/api/v1/problems/{result['problemId']}", headers=headers)
    assert stored.status_code == 200, stored.text
    assert stored.json()["data"]["problem"] == result["problem"]
    listed = httpx.get(f"{base}/api/v1/problems", headers=headers).json()["data"]
    assert [item["problemId"] for item in listed["items"]] == [result["problemId"]]
    stranger = httpx.get(f"{base}/api/v1/problems/{result['problemId']}", headers=new_user(base))
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "NOT_FOUND"


def test_tokens_reach_the_client_while_the_model_is_still_writing(server, fake):
    base = server.base_url
    fake.script(*generation_scripts(DESCRIPTION, chunk_delay=0.05))
    with httpx.stream(
        "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=new_user(base), timeout=30
    ) as response:
        for raw in response.iter_lines():
            if json.loads(raw)["type"] == "token":
                break
        record = fake.wait_for_requests(3)[2]
        # The first token is here while the fake still has most of the description to send.
        assert not record.finished and len(record.chunks) < len(record.script.chunks()) // 2


def test_client_leaving_closes_the_upstream_request(server, fake):
    base = server.base_url
    slow = Script(content=DESCRIPTION, chunk_size=3, chunk_delay=0.05)
    fake.script(*generation_scripts(slow))
    with httpx.Client(timeout=30) as client:
        with client.stream(
            "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=new_user(base)
        ) as r:
            seen = 0
            for raw in r.iter_lines():
                seen += json.loads(raw)["type"] == "token"
                if seen == 3:
                    break
        left_at = time.monotonic()
    record = fake.wait_for_requests(3)[2]
    fake.wait_until(lambda: record.finished, timeout=10, what="upstream closed")
    assert record.client_gone and record.outcome == "client_gone"
    assert len(record.chunks) < len(slow.chunks())
    assert record.client_gone_at - left_at < 3.0


def test_model_failure_mid_stream_ends_with_one_error_line(server, fake):
    base = server.base_url
    fake.script(*generation_scripts(Script(content=DESCRIPTION, chunk_size=7, drop_after=4)))
    response = httpx.post(
        f"{base}{GENERATE}", json=GRID_REQUEST, headers=new_user(base), timeout=30
    )
    assert response.status_code == 200
    lines = read_ndjson(response.text)
    assert token_text(lines) == DESCRIPTION[:28]
    assert [ln["type"] for ln in lines].count("error") == 1 and lines[-1]["type"] == "error"
    assert lines[-1]["payload"]["code"] == "GENERATION_FAILED"


def test_invalid_body_is_422_in_the_error_shape(server):
    base = server.base_url
    response = httpx.post(
        f"{base}{GENERATE}", json={"prompt": " ", "difficulty": "easy"}, headers=new_user(base)
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["request_id"]


def test_a_stopped_worker_ends_its_problem_streams_with_an_error_line(
    live_server_factory, fake_openai
):
    live = live_server_factory(workers=1, env=openai_fake_env(fake_openai))
    base = live.base_url
    headers = new_user(base)
    slow = Script(content=DESCRIPTION, chunk_size=3, chunk_delay=0.05)
    fake_openai.script(*generation_scripts(slow))
    (worker,) = subprocess.check_output(["pgrep", "-P", str(live.process.pid)]).split()
    lines = []
    with httpx.stream(
        "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30
    ) as r:
        for raw in r.iter_lines():
            lines.append(json.loads(raw))
            if [line["type"] for line in lines].count("token") == 3:
                os.kill(int(worker), signal.SIGTERM)

    # Never silently: the stream's last line says the server stopped it.
    assert lines[-1] == {
        "type": "error",
        "payload": {
            "code": "RUN_ABORTED",
            "message": "The server is restarting. Try again in a moment.",
        },
    }
    assert "result" not in [line["type"] for line in lines]
