"""Theory streaming inside one app (test client, offline model): the cheap, exact checks."""

import json

import pytest

from tests.support.metrics import metric_value
from tests.support.sse_client import app_events

START = "/api/v1/learning/session/start"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def start(client, headers, **extra):
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요", **extra}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]


def events(client, ticket, **headers):
    return app_events(client, f"/api/v1/learning/theory-stream/{ticket}", **headers)


def view(client, headers, session_id):
    return client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]


def test_start_returns_a_ticket_and_the_stream_delivers_the_lesson(client, headers):
    data = start(client, headers)
    workflow = data["workflow_response"]
    assert workflow == {
        "current_agent": "learning_supervisor",
        "session_progress_stage": "theory_streaming",
        "ui_mode": "streaming",
        "streaming": True,
        "temp_session_id": workflow["temp_session_id"],
        "estimated_blocks": 4,
    }
    session_id = data["session_info"]["session_id"]
    assert view(client, headers, session_id)["active_run"] == {
        "temp_session_id": workflow["temp_session_id"],
        "kind": "theory",
    }
    stream = events(client, workflow["temp_session_id"])
    assert [seq for seq, _ in stream] == list(range(1, len(stream) + 1))
    types = [event["type"] for _, event in stream]
    assert types == ["stream_start"] + ["theory_block"] * 4 + ["stream_complete"]
    assert stream[-1][1]["total_blocks"] == 4 and stream[-1][1]["fallback"] is False
    assert stream[-1][1]["skipped_blocks"] == 0  # always present, 0 when nothing was dropped
    after = view(client, headers, session_id)
    assert after["active_run"] is None and after["session_progress_stage"] == "theory_completed"
    assert [b["block_id"] for b in after["theory_content"]] == [1, 2, 3, 4]
    assert workflow["temp_session_id"] not in json.dumps(after)


def test_streamed_and_synchronous_lessons_leave_equal_state(client, headers):
    streamed = start(client, headers)
    events(client, streamed["workflow_response"]["temp_session_id"])
    synchronous = start(client, headers, streaming=False)

    def comparable(session_id):
        state = view(client, headers, session_id)
        state.pop("session_id")
        for entry in state["conversation"]:
            entry.pop("created_at")
        return state

    assert comparable(streamed["session_info"]["session_id"]) == comparable(
        synchronous["session_info"]["session_id"]
    )


def test_streaming_switched_off_answers_synchronously(make_settings, auth):
    from backend.app import create_app

    client = create_app(make_settings(THEORY_STREAMING_ENABLED=False)).test_client()
    headers = type(auth)(client).new_user_headers()
    workflow = start(client, headers)["workflow_response"]
    assert workflow["streaming"] is False and len(workflow["theory_content"]) == 4


def test_a_claimed_ticket_is_refused_without_last_event_id(client, headers):
    ticket = start(client, headers)["workflow_response"]["temp_session_id"]
    events(client, ticket)
    assert events(client, ticket) == [
        (
            None,
            {
                "type": "stream_error",
                "code": "INVALID_SESSION",
                "message": "This stream is not available.",
            },
        )
    ]
    replay = events(client, ticket, **{"Last-Event-ID": "3"})
    assert [seq for seq, _ in replay] == [4, 5, 6]
    assert events(client, ticket, **{"Last-Event-ID": "x1"})[0][1]["code"] == "INVALID_SESSION"


def test_another_users_bearer_cannot_claim_and_the_owner_still_can(client, auth, headers):
    ticket = start(client, headers)["workflow_response"]["temp_session_id"]
    stranger = auth.new_user_headers()
    refused = events(client, ticket, **stranger)
    assert refused == [
        (
            None,
            {
                "type": "stream_error",
                "code": "INVALID_SESSION",
                "message": "This stream is not available.",
            },
        )
    ]
    assert events(client, ticket, **headers)[-1][1]["type"] == "stream_complete"


def test_cancel_before_the_stream_starts_records_a_cancelled_lesson(client, headers, auth):
    data = start(client, headers)
    ticket = data["workflow_response"]["temp_session_id"]
    stranger = auth.new_user_headers()
    assert (
        client.post(f"/api/v1/learning/theory-stream/{ticket}/cancel", headers=stranger).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/learning/theory-stream/{ticket}/cancel", headers=headers).status_code
        == 202
    )
    assert events(client, ticket)[0][1]["code"] == "CANCELLED"
    state = view(client, headers, data["session_info"]["session_id"])
    assert state["session_progress_stage"] == "theory_cancelled" and state["active_run"] is None
    assert state["conversation"][-1]["agent"] == "theory_educator"
    assert state["conversation"][-1]["status"] == "cancelled"
    # Cancelling an ended run is fine too.
    assert (
        client.post(f"/api/v1/learning/theory-stream/{ticket}/cancel", headers=headers).status_code
        == 202
    )


def test_streams_are_counted_in_metrics(client, headers):
    # The registry is the process's: compare before and after, not mere presence.
    def counts():
        return (
            metric_value(client, "tutor_stream_outcomes_total", kind="theory", outcome="success"),
            metric_value(client, "tutor_stream_first_block_seconds_count", kind="theory"),
        )

    before = counts()
    events(client, start(client, headers)["workflow_response"]["temp_session_id"])
    assert counts() == (before[0] + 1, before[1] + 1)
