"""An app on Postgres survives the database's restart and outage (DESIGN 4.4).

The app is built once per test; the database is restarted or stopped underneath it.
Its pools must replace the connections the server closed, without an app restart, and
while the server is down a request must fail fast with 503 rather than hang. Each test
runs with everything on Postgres, and with only the checkpoints there (users and
sessions on SQLite), so the checkpointer's own pool meets the outage first.
"""

from __future__ import annotations

import time

import pytest

from backend.app import create_app
from backend.app.services.container import services
from tests.support.app_turns import START, start_lesson
from tests.support.sse_client import app_events

# Generous: the pools' connect and wait timeouts are 3 s each.
FAIL_FAST_SECONDS = 15
# After an outage the checkpointer's pool reconnects in the background (with backoff).
RECOVERY_SECONDS = 60


@pytest.fixture(params=["all", "checkpoints"])
def settings(request, make_settings, postgres_database_url):
    stores = {"CHECKPOINT_URL": postgres_database_url}
    if request.param == "all":
        stores["DATABASE_URL"] = postgres_database_url
    return make_settings(**stores)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    # Else the pool's background workers outlive the test, reconnecting.
    services(app).tutor.graph.checkpointer.conn.close()


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def start_whole_lesson(client, headers):
    """A lesson started with `"streaming": false` (users, sessions and checkpoints)."""
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작", "streaming": False}
    return client.post(START, json=body, headers=headers)


def assert_lessons_work(client, headers) -> None:
    """A synchronous lesson and a streamed one both complete and are saved."""
    response = start_whole_lesson(client, headers)
    assert response.status_code == 200, response.json
    assert response.json["data"]["workflow_response"]["theory_content"]
    session_id, ticket = start_lesson(client, headers)
    events = app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    assert events[-1][1]["type"] == "stream_complete"
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert view["session_progress_stage"] == "theory_completed"


def wait_until_lessons_work(client, headers) -> float:
    """Seconds until a lesson starts again after an outage (the app is never rebuilt)."""
    started = time.monotonic()
    while start_whole_lesson(client, headers).status_code != 200:
        assert time.monotonic() - started < RECOVERY_SECONDS, "the app did not recover"
        time.sleep(0.2)
    assert_lessons_work(client, headers)
    return time.monotonic() - started


def test_lessons_work_again_after_a_database_restart(client, headers, postgres_server):
    assert_lessons_work(client, headers)
    postgres_server.restart()
    assert_lessons_work(client, headers)


def test_a_request_fails_fast_while_the_database_is_down_and_works_when_it_returns(
    client, headers, postgres_server
):
    assert_lessons_work(client, headers)
    postgres_server.down()
    try:
        for attempt in range(2):  # the second one meets pools that know the server is gone
            started = time.monotonic()
            response = start_whole_lesson(client, headers)
            elapsed = time.monotonic() - started
            print(f"request {attempt + 1} while the database was down: {elapsed:.2f} s")
            assert elapsed < FAIL_FAST_SECONDS
            assert response.status_code == 503, response.json
            assert response.json["error"]["code"] == "UPSTREAM_UNAVAILABLE"
    finally:
        postgres_server.up()
    print(f"lessons work again after {wait_until_lessons_work(client, headers):.2f} s")
