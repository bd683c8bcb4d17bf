"""Postgres going away and coming back, under an app that keeps its users, sessions and
checkpoints there (DESIGN 4.4 last bullet).

While the database is down, requests fail fast with 503 UPSTREAM_UNAVAILABLE naming it and
/readyz says not ready; once it is back, the same app (not restarted) serves whole lessons.
"""

from __future__ import annotations

import time

import pytest

from backend.app import create_app
from tests.support.app_turns import START, start_lesson
from tests.support.engines_down import assert_unavailable, theory_stream
from tests.support.private_redis import running_private_redis
from tests.support.sse_client import app_events

LESSON = ["stream_start"] + ["theory_block"] * 4 + ["stream_complete"]
# Generous: a refused connection fails at once; this only catches waits and retries.
FAST_SECONDS = 3.0
# Generous: how long the pools may take to reconnect once the database is back.
RECOVERY_SECONDS = 30.0


@pytest.fixture
def settings(make_settings, postgres_database_url, redis_url, redis_prefix):
    """The app on the session's PostgreSQL (a database of its own) and Redis."""
    return make_settings(
        DATABASE_URL=postgres_database_url,
        CHECKPOINT_URL=postgres_database_url,
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=redis_prefix,
    )


def test_postgres_down_fails_fast_and_the_same_app_recovers_when_it_returns(
    client, auth, postgres_server
):
    headers = auth.new_user_headers()
    _, ticket = start_lesson(client, headers)
    assert [event["type"] for _, event in app_events(client, theory_stream(ticket))] == LESSON
    _, waiting = start_lesson(client, headers)  # a ticket issued before the outage
    postgres_server.down()
    try:
        began = time.monotonic()
        body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요"}
        refused = client.post(START, json=body, headers=headers)
        assert time.monotonic() - began < FAST_SECONDS
        assert_unavailable(refused, "database")
        assert_unavailable(client.get("/readyz"), "database")
        # Its events live in Redis, so it is served; still it ends with one terminal event.
        stream = [event["type"] for _, event in app_events(client, theory_stream(waiting))]
        assert stream[-1] in ("stream_complete", "stream_error")
        assert stream.count("stream_complete") + stream.count("stream_error") == 1
    finally:
        postgres_server.up()
    assert client.get("/readyz").json["data"] == {"status": "ready"}
    # The checkpointer's pool reconnects in the background and refuses at once for a
    # moment after a timed-out wait (storage/postgres_pool.py): service returns by itself
    # within seconds, with no restart.
    deadline = time.monotonic() + RECOVERY_SECONDS
    while (started := client.post(START, json=body, headers=headers)).status_code == 503:
        assert time.monotonic() < deadline, started.json
        time.sleep(0.2)
    assert started.status_code == 200, started.json
    ticket = started.json["data"]["workflow_response"]["temp_session_id"]
    assert [event["type"] for _, event in app_events(client, theory_stream(ticket))] == LESSON


def test_readiness_names_both_engines_when_both_are_down(
    make_settings, postgres_database_url, postgres_server, tmp_path
):
    with running_private_redis(tmp_path / "redis") as redis_server:
        settings = make_settings(
            DATABASE_URL=postgres_database_url,
            CHECKPOINT_URL=postgres_database_url,
            REDIS_URL=redis_server.url,
        )
        client = create_app(settings).test_client()
        redis_server.stop()
        postgres_server.down()
        try:
            response = client.get("/readyz")
        finally:
            postgres_server.up()
        assert_unavailable(response, "the database and the stream store are unavailable")
        redis_server.start()
        assert client.get("/readyz").status_code == 200
