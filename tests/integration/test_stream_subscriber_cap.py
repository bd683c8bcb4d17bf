"""STREAM_MAX_SUBSCRIBERS_PER_RUN: a run has at most that many live subscriptions (DESIGN 4.4).

The first stream (the claim) counts; resumes beyond the limit get one
`stream_error RATE_LIMITED`; a subscription that ends (its client left) frees its place.
Counted in the stream store, so across workers and hosts alike (the contract suite runs
the counting on every backend).
"""

from __future__ import annotations

from backend.app import create_app
from tests.support.sse_client import SSEParser

START = "/api/v1/learning/session/start"
LIMIT = 2


def open_stream(client, ticket: str, **headers: str):
    """A lesson stream's response, not yet read (the subscription is open)."""
    response = client.get(
        f"/api/v1/learning/theory-stream/{ticket}", headers=headers, buffered=False
    )
    assert response.status_code == 200
    return response


def events_of(response) -> list[dict]:
    """Every data event of a response, read to its end."""
    parser = SSEParser()
    body = b"".join(response.response).decode()
    return [item.data for item in [*parser.feed(body), *parser.close()] if item.data]


def test_resumes_beyond_the_limit_are_refused_until_one_leaves(make_settings, auth):
    client = create_app(make_settings(STREAM_MAX_SUBSCRIBERS_PER_RUN=LIMIT)).test_client()
    headers = type(auth)(client).new_user_headers()
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    ticket = client.post(START, json=body, headers=headers).json["data"]["workflow_response"][
        "temp_session_id"
    ]

    claim = open_stream(client, ticket)  # counts as the first
    resume = open_stream(client, ticket, **{"Last-Event-ID": "0"})
    refused = open_stream(client, ticket, **{"Last-Event-ID": "0"})

    assert events_of(refused) == [
        {
            "type": "stream_error",
            "code": "RATE_LIMITED",
            "message": "This stream already has as many viewers as it may have.",
        }
    ]
    resume.close()  # the client left: its place is free
    again = open_stream(client, ticket, **{"Last-Event-ID": "0"})
    assert events_of(again)[-1]["type"] == "stream_complete"
    assert events_of(claim)[-1]["type"] == "stream_complete"
    # Finished subscriptions count no more: a late replay is served.
    late = open_stream(client, ticket, **{"Last-Event-ID": "0"})
    assert events_of(late)[-1]["type"] == "stream_complete"
