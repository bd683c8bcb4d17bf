"""Redis going away and coming back, under an app that uses it (DESIGN 4.4 last bullet).

While Redis is down, requests fail fast with 503 UPSTREAM_UNAVAILABLE in the one error
shape, /readyz says not ready and a stream gets one `stream_error STORE_UNAVAILABLE`;
once Redis is back, the same app (not restarted) serves whole lessons again.
"""

from __future__ import annotations

import time

import pytest

from backend.app import create_app
from tests.conftest import AuthHelper
from tests.support.app_turns import START, start_lesson
from tests.support.engines_down import assert_unavailable, theory_stream
from tests.support.private_redis import running_private_redis
from tests.support.sse_client import app_events

GENERATE = "/api/v1/problems/generate-stream"
LESSON = ["stream_start"] + ["theory_block"] * 4 + ["stream_complete"]
# Generous: a refused connection fails at once; this only catches waits and retries.
FAST_SECONDS = 3.0


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own, which the test stops and starts again on its port."""
    with running_private_redis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def settings(make_settings, private_redis, redis_prefix):
    """The app on a Redis of the test's own, which the test stops and starts again."""
    return make_settings(REDIS_URL=private_redis.url, REDIS_KEY_PREFIX=redis_prefix)


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def test_redis_down_fails_fast_and_the_same_app_recovers_when_it_returns(
    client,
    headers,
    private_redis,
):
    assert client.get("/readyz").status_code == 200
    _, ticket = start_lesson(client, headers)
    private_redis.stop()

    began = time.monotonic()
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요"}
    refused = client.post(START, json=body, headers=headers)
    assert time.monotonic() - began < FAST_SECONDS
    assert_unavailable(refused, "stream store")
    assert_unavailable(client.get("/readyz"), "stream store")
    problem = {"prompt": "그래프 최단 경로 문제", "difficulty": "easy"}
    assert_unavailable(client.post(GENERATE, json=problem, headers=headers), "stream store")
    assert_unavailable(
        client.post(f"{theory_stream(ticket)}/cancel", headers=headers), "stream store"
    )
    (only,) = app_events(client, theory_stream(ticket))
    assert only[0] is None  # a refusal carries no id
    assert only[1]["type"] == "stream_error" and only[1]["code"] == "STORE_UNAVAILABLE"

    private_redis.start()  # same port, empty (the old ticket is gone with the old server)
    assert client.get("/readyz").json["data"] == {"status": "ready"}
    _, ticket = start_lesson(client, headers)
    assert [event["type"] for _, event in app_events(client, theory_stream(ticket))] == LESSON


def test_redis_lost_mid_lesson_ends_the_stream_with_store_unavailable(
    make_settings,
    private_redis,
    redis_prefix,
):
    # A slow model, so the lesson is still being written when Redis goes.
    settings = make_settings(
        REDIS_URL=private_redis.url,
        REDIS_KEY_PREFIX=redis_prefix,
        OFFLINE_LLM_TOKENS_PER_SECOND=200,
    )
    client = create_app(settings).test_client()
    headers = AuthHelper(client).new_user_headers()
    _, ticket = start_lesson(client, headers)
    response = client.get(theory_stream(ticket), buffered=False)
    chunks = (chunk.decode() for chunk in response.response)
    assert '"type":"stream_start"' in next(chunks)
    private_redis.stop()
    rest = "".join(chunks)
    last = [event for event in rest.split("\n\n") if event.strip()][-1]
    assert last.startswith("data: ")  # the final event has no id: it was never logged
    assert '"code":"STORE_UNAVAILABLE"' in last and '"stream_complete"' not in rest
