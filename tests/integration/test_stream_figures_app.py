"""The streaming figures inside one app (test client, offline model): what counts, once."""

from __future__ import annotations

import pytest

from backend.app.services.container import services
from tests.support.metrics import metric_value
from tests.support.sse_client import app_events

START = "/api/v1/learning/session/start"
FALLBACKS = "tutor_lesson_fallbacks_total"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def start(client, headers, **extra) -> dict:
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요", **extra}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]["workflow_response"]


def test_a_streamed_lesson_counts_its_start_and_its_first_block(client, headers):
    before = (
        metric_value(client, "tutor_lessons_started_total"),
        metric_value(client, "tutor_time_to_first_block_seconds_count", kind="theory"),
    )
    ticket = start(client, headers)["temp_session_id"]
    app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    after = (
        metric_value(client, "tutor_lessons_started_total"),
        metric_value(client, "tutor_time_to_first_block_seconds_count", kind="theory"),
    )
    assert after == (before[0] + 1, before[1] + 1)


def test_a_failed_stream_preparation_counts_as_a_preparation_fallback(
    app, client, headers, monkeypatch
):
    def broken(_request):
        raise OSError("the stream store is unavailable")

    monkeypatch.setattr(services(app).tutor.educator, "process_streaming_state", broken)
    before = metric_value(client, FALLBACKS, reason="preparation")
    flow = start(client, headers)
    assert flow["streaming"] is False and flow["theory_content"]
    assert metric_value(client, FALLBACKS, reason="preparation") == before + 1


def test_only_the_callers_own_lesson_counts_as_a_client_fallback(client, headers, auth):
    ticket = start(client, headers)["temp_session_id"]
    app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    before = metric_value(client, FALLBACKS, reason="client")
    start(client, auth.new_user_headers(), streaming=False, fallback_from=ticket)
    start(client, headers, streaming=False, fallback_from="not-a-ticket-of-anyone")
    assert metric_value(client, FALLBACKS, reason="client") == before
    flow = start(client, headers, streaming=False, fallback_from=ticket)
    assert flow["streaming"] is False
    assert metric_value(client, FALLBACKS, reason="client") == before + 1


@pytest.mark.parametrize("value", ["", "x" * 129, 7])
def test_a_malformed_fallback_from_is_a_validation_error(client, headers, value):
    body = {"chapter_number": 2, "section_number": 1, "streaming": False, "fallback_from": value}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 422 and response.json["error"]["code"] == "VALIDATION_ERROR"


def test_a_fallback_from_a_stream_that_never_started_counts_for_its_owner(client, headers, auth):
    # The client's cancel of the stream it gives up on may land after this request.
    ticket = start(client, headers)["temp_session_id"]
    before = metric_value(client, FALLBACKS, reason="client")
    start(client, auth.new_user_headers(), streaming=False, fallback_from=ticket)
    assert metric_value(client, FALLBACKS, reason="client") == before
    start(client, headers, streaming=False, fallback_from=ticket)
    assert metric_value(client, FALLBACKS, reason="client") == before + 1
