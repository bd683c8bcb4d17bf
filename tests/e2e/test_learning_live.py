"""Learning sessions on the live server, driven through the real ChatOpenAI and the fake."""

import json

import httpx
import pytest

from tests.fakes.scripts import Script
from tests.support.lessons import LESSON
from tests.support.live_server import live_server_on_fake, new_user

pytestmark = pytest.mark.live

START = "/api/v1/learning/session/start"


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """Two gevent workers talking to the module's fake model."""
    data_dir = tmp_path_factory.mktemp("learning-live")
    with live_server_on_fake(fake_openai_module, data_dir, workers=2) as live:
        yield live


def start(base, headers, **body):
    payload = {
        "chapter_number": 2,
        "section_number": 1,
        "user_message": "시작",
        "streaming": False,
        **body,
    }
    return httpx.post(f"{base}{START}", json=payload, headers=headers, timeout=30)


def test_session_start_returns_the_scripted_blocks(server, fake_openai_shared):
    fake_openai_shared.script(Script(content=json.dumps(LESSON, ensure_ascii=False), chunk_size=40))
    response = start(server.base_url, new_user(server.base_url))
    assert response.status_code == 200
    blocks = response.json()["data"]["workflow_response"]["theory_content"]
    assert [b["data"] for b in blocks] == [b["data"] for b in LESSON]
    assert [b["block_id"] for b in blocks] == [1, 2, 3, 4]
    prompt = fake_openai_shared.requests[0].messages[-1]["content"]
    assert "<task>theory_lesson</task>" in prompt and "<material" in prompt


def test_unusable_output_twice_is_502_and_leaves_no_session(server, fake_openai_shared):
    fake_openai_shared.script("죄송해요, 지금은 어려워요.", '[{"broken": ')
    headers = new_user(server.base_url)
    response = start(server.base_url, headers)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "GENERATION_FAILED"
    assert len(fake_openai_shared.requests) == 2
    sessions = httpx.get(f"{server.base_url}/api/v1/learning/sessions", headers=headers).json()
    assert sessions["data"]["sessions"] == []


def test_model_outage_is_503(server, fake_openai_shared):
    fake_openai_shared.script(500)
    response = start(server.base_url, new_user(server.base_url))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "UPSTREAM_UNAVAILABLE"


def test_another_users_session_is_404_on_any_worker(server, fake_openai_shared):
    fake_openai_shared.set_default(Script(content=json.dumps(LESSON, ensure_ascii=False)))
    owner = new_user(server.base_url)
    session_id = start(server.base_url, owner).json()["data"]["session_info"]["session_id"]
    stranger = new_user(server.base_url)
    for _ in range(4):  # fresh connections reach both workers
        url = f"{server.base_url}/api/v1/learning/session/{session_id}"
        assert httpx.get(url, headers={**stranger, "Connection": "close"}).status_code == 404
        assert httpx.get(url, headers={**owner, "Connection": "close"}).status_code == 200


def test_bad_input_is_422(server):
    response = start(server.base_url, new_user(server.base_url), chapter_number="two")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_the_31st_llm_call_in_a_minute_is_429(tmp_path, fake_openai):
    from tests.support.live_server import start_live_server

    fake_openai.set_default(Script(content=json.dumps(LESSON, ensure_ascii=False)))
    # One worker: the default in-memory limiter counts per worker process.
    live = start_live_server(
        tmp_path,
        workers=1,
        env={
            "LLM_PROVIDER": "openai",
            "OPENAI_API_KEY": "k",
            "OPENAI_BASE_URL": fake_openai.base_url,
        },
    )
    try:
        headers = new_user(live.base_url)
        statuses = [start(live.base_url, headers).status_code for _ in range(31)]
        assert statuses[:30] == [200] * 30
        assert statuses[30] == 429
    finally:
        live.stop()
