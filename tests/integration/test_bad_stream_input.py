"""Bad input on the stream routes: one `stream_error` without an id on a 200 (DESIGN 4.2).

Odd tickets, odd `Last-Event-ID` values and odd `Authorization` headers on the SSE GETs;
odd tickets and callers on their cancel POSTs; problems/generate-stream refuses bad
input with a JSON 422 before any NDJSON line.
"""

import pytest

from tests.support.bad_input import assert_error_shape
from tests.support.sse_client import app_events

KINDS = ["theory", "qna"]
START = "/api/v1/learning/session/start"
MESSAGE = "/api/v1/learning/session/message"

ODD_TICKETS = [
    "x", "a" * 5000, "티켓", "%00", "..", "null", "' OR 1=1 --", "%F0%9F%98%80",
    "%ED%A0%80",  # a lone surrogate, percent-encoded
]  # fmt: skip
# Values that are not an event number: Unicode digits int() would take or refuse,
# signs, spaces, other bases, overlong numbers.
ODD_LAST_EVENT_IDS = [
    "²", "١", "１", "-1", "+1", "1.5", "abc", " 1", "1 ", "", "1e3", "0x1", "9" * 10, "1_000",
]  # fmt: skip


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def stream_path(kind: str, ticket: str) -> str:
    return f"/api/v1/learning/{kind}-stream/{ticket}"


def assert_refused(events, code: str = "INVALID_SESSION") -> None:
    """Exactly one `stream_error` with `code`, without an id."""
    assert len(events) == 1, events
    event_id, data = events[0]
    assert event_id is None
    assert data["type"] == "stream_error" and data["code"] == code, data


def finished_ticket(client, headers, kind: str) -> str:
    """A ticket of `kind` whose run has streamed to its end."""
    if kind == "theory":
        body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
        ticket = client.post(START, json=body, headers=headers).json["data"]["workflow_response"][
            "temp_session_id"
        ]
    else:
        body = {"chapter_number": 2, "section_number": 1, "streaming": False}
        session_id = client.post(START, json=body, headers=headers).json["data"]["session_info"][
            "session_id"
        ]
        question = {"session_id": session_id, "user_message": "셀프 어텐션은 무엇인가요?"}
        ticket = client.post(MESSAGE, json=question, headers=headers).json["data"][
            "workflow_response"
        ]["temp_session_id"]
    assert app_events(client, stream_path(kind, ticket))[-1][1]["type"] == "stream_complete"
    return ticket


@pytest.mark.parametrize("ticket", ODD_TICKETS)
@pytest.mark.parametrize("kind", KINDS)
def test_odd_tickets_get_one_stream_error(client, kind, ticket):
    assert_refused(app_events(client, stream_path(kind, ticket)))


@pytest.mark.parametrize("value", ODD_LAST_EVENT_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_odd_last_event_ids_on_an_unknown_ticket(client, kind, value):
    assert_refused(app_events(client, stream_path(kind, "unknown"), **{"Last-Event-ID": value}))


@pytest.mark.parametrize("kind", KINDS)
def test_odd_last_event_ids_on_the_owners_ticket(client, headers, kind):
    ticket = finished_ticket(client, headers, kind)
    for value in ODD_LAST_EVENT_IDS:
        events = app_events(
            client, stream_path(kind, ticket), **{"Last-Event-ID": value}, **headers
        )
        assert_refused(events)
        assert "Last-Event-ID" in events[0][1]["message"], value
    # A well-formed value still resumes: the replay after event 1 ends with the terminal.
    replay = app_events(client, stream_path(kind, ticket), **{"Last-Event-ID": "1"}, **headers)
    assert replay[0][0] == 2 and replay[-1][1]["type"] == "stream_complete"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a.b.c", "bearer " + "x" * 5000],
)
@pytest.mark.parametrize("kind", KINDS)
def test_odd_authorization_on_a_stream_is_a_stream_error(client, kind, authorization):
    events = app_events(client, stream_path(kind, "unknown"), Authorization=authorization)
    assert_refused(events)


@pytest.mark.parametrize("kind", KINDS)
def test_a_refresh_token_does_not_open_a_stream(client, auth, headers, kind):
    ticket = finished_ticket(client, headers, kind)
    refresh = auth.login(auth.register()["username"])["refresh_token"]
    events = app_events(
        client,
        stream_path(kind, ticket),
        Authorization=f"Bearer {refresh}",
        **{"Last-Event-ID": "0"},
    )
    assert_refused(events)


@pytest.mark.parametrize("ticket", ODD_TICKETS)
@pytest.mark.parametrize("kind", KINDS)
def test_cancel_of_an_odd_ticket_is_404(client, headers, kind, ticket):
    assert_error_shape(client.post(f"{stream_path(kind, ticket)}/cancel", headers=headers), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_cancel_needs_a_token(client, kind):
    assert_error_shape(client.post(f"{stream_path(kind, 'x')}/cancel"), 401)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": "", "difficulty": "easy"},
        {"prompt": "두 수의 합", "difficulty": "impossible"},
        {"prompt": "두 수의 합", "difficulty": "easy", "algorithm_type": "a\nb"},
        {"prompt": "두 수의 합", "difficulty": "easy", "extra": 1},
    ],
)
def test_generate_stream_refuses_bad_input_before_streaming(client, headers, body):
    response = client.post("/api/v1/problems/generate-stream", json=body, headers=headers)
    assert_error_shape(response, 422)  # JSON, not an NDJSON stream


@pytest.mark.parametrize("kind", KINDS)
def test_head_on_a_stream_leaves_its_ticket_unclaimed(client, headers, kind):
    """A HEAD (a link preview, a probe) answers the headers only; the GET still streams."""
    if kind == "theory":
        body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
        turn = client.post(START, json=body, headers=headers)
    else:
        body = {"chapter_number": 2, "section_number": 1, "streaming": False}
        session_id = client.post(START, json=body, headers=headers).json["data"]["session_info"][
            "session_id"
        ]
        question = {"session_id": session_id, "user_message": "셀프 어텐션은 무엇인가요?"}
        turn = client.post(MESSAGE, json=question, headers=headers)
    ticket = turn.json["data"]["workflow_response"]["temp_session_id"]
    head = client.head(stream_path(kind, ticket))
    assert head.status_code == 200
    assert head.mimetype == "text/event-stream"
    assert head.data == b""
    events = app_events(client, stream_path(kind, ticket))
    assert events[0][1]["type"] == "stream_start"
    assert events[-1][1]["type"] == "stream_complete"
