"""Questions and follow-up lessons through session/message (test client, offline model)."""

import pytest

from backend.app.services.container import services
from tests.support.metrics import metric_value
from tests.support.sse_client import app_events

START = "/api/v1/learning/session/start"
MESSAGE = "/api/v1/learning/session/message"
QUESTION = "트랜스포머의 셀프 어텐션은 무엇인가요?"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def open_session(client, headers, chapter=2, section=1) -> str:
    body = {"chapter_number": chapter, "section_number": section, "streaming": False}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]["session_info"]["session_id"]


def send(client, headers, session_id, message, **extra):
    body = {"session_id": session_id, "user_message": message, **extra}
    response = client.post(MESSAGE, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]["workflow_response"]


def view(client, headers, session_id):
    return client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]


def test_question_streams_a_grounded_answer_and_joins_the_conversation(client, headers):
    session_id = open_session(client, headers)
    flow = send(client, headers, session_id, QUESTION)
    assert flow["current_agent"] == "qna_resolver" and flow["ui_mode"] == "chat"
    assert flow["streaming"] is True and flow["temp_session_id"]
    assert view(client, headers, session_id)["active_run"] == {
        "temp_session_id": flow["temp_session_id"],
        "kind": "qna",
    }

    events = app_events(client, f"/api/v1/learning/qna-stream/{flow['temp_session_id']}")
    assert [event_id for event_id, _ in events] == list(range(1, len(events) + 1))
    kinds = [event["type"] for _, event in events]
    assert kinds[0] == "stream_start" and kinds[-1] == "stream_complete"
    assert set(kinds[1:-1]) == {"qna_token"}
    complete = events[-1][1]
    tokens = "".join(event["text"] for _, event in events if event["type"] == "qna_token")
    assert tokens == complete["answer"] and complete["answer"].strip()
    assert complete["sources"] and set(complete["sources"][0]) == {
        "chapter_number",
        "section_number",
        "title",
    }

    after = view(client, headers, session_id)
    assert after["active_run"] is None
    assert [(e["role"], e["agent"], e["message"]) for e in after["conversation"][-2:]] == [
        ("user", "learner", QUESTION),
        ("assistant", "qna_resolver", complete["answer"]),
    ]
    assert all(set(e) == {"role", "agent", "message", "created_at"} for e in after["conversation"])
    assert after["session_progress_stage"] == "theory_completed"  # a question moves nothing


def test_question_without_streaming_answers_in_the_response(client, headers):
    session_id = open_session(client, headers)
    flow = send(client, headers, session_id, QUESTION, streaming=False)
    assert flow["current_agent"] == "qna_resolver" and flow["streaming"] is False
    assert flow["answer"].strip() and flow["sources"]
    conversation = view(client, headers, session_id)["conversation"]
    assert conversation[-1]["message"] == flow["answer"]
    assert conversation[-2]["message"] == QUESTION


def test_next_step_streams_the_next_lesson(client, headers):
    session_id = open_session(client, headers, 1, 3)
    body = {"session_id": session_id, "user_message": "다음"}
    data = client.post(MESSAGE, json=body, headers=headers).json["data"]
    info = data["session_info"]
    assert (info["chapter_number"], info["section_number"]) == (2, 1)  # the streamed section
    flow = data["workflow_response"]
    assert flow["streaming"] is True and flow["session_progress_stage"] == "theory_streaming"
    events = app_events(client, f"/api/v1/learning/theory-stream/{flow['temp_session_id']}")
    assert events[-1][1]["type"] == "stream_complete"
    header = next(e for _, e in events if e["type"] == "theory_block")
    assert header["data"]["chapter_info"] == "📚 2챕터 1섹션"
    after = view(client, headers, session_id)
    assert (after["chapter_number"], after["section_number"]) == (2, 1)


def test_retry_easier_streams_an_easier_lesson_of_the_same_section(client, headers):
    session_id = open_session(client, headers, 2, 1)
    flow = send(client, headers, session_id, "너무 어려워요. 더 쉽게 설명해 주세요")
    assert flow["streaming"] is True and flow["is_retry_session"] is True
    events = app_events(client, f"/api/v1/learning/theory-stream/{flow['temp_session_id']}")
    assert events[-1][1]["type"] == "stream_complete"
    after = view(client, headers, session_id)
    assert (after["chapter_number"], after["section_number"]) == (2, 1)
    assert after["session_progress_stage"] == "theory_completed"


def test_a_cancelled_answer_is_recorded_as_cancelled(client, headers):
    session_id = open_session(client, headers)
    ticket = send(client, headers, session_id, QUESTION)["temp_session_id"]
    cancel = client.post(f"/api/v1/learning/qna-stream/{ticket}/cancel", headers=headers)
    assert cancel.status_code == 202
    (only,) = app_events(client, f"/api/v1/learning/qna-stream/{ticket}")
    assert only[1]["code"] == "CANCELLED"
    conversation = view(client, headers, session_id)["conversation"]
    assert conversation[-2]["message"] == QUESTION
    assert "멈췄" in conversation[-1]["message"]
    assert conversation[-1]["status"] == "cancelled" and "status" not in conversation[-2]


def test_another_users_answer_ticket_is_refused(client, auth, headers):
    session_id = open_session(client, headers)
    ticket = send(client, headers, session_id, QUESTION)["temp_session_id"]
    stranger = auth.new_user_headers()
    refused = app_events(client, f"/api/v1/learning/qna-stream/{ticket}", **stranger)
    assert refused == [(None, refused[0][1])] and refused[0][1]["code"] == "INVALID_SESSION"
    cancel = client.post(f"/api/v1/learning/qna-stream/{ticket}/cancel", headers=stranger)
    assert cancel.status_code == 404
    # The owner still gets the answer.
    assert app_events(client, f"/api/v1/learning/qna-stream/{ticket}", **headers)[-1][1][
        "type"
    ] == ("stream_complete")


def test_failed_stream_preparation_answers_synchronously(app, client, headers, monkeypatch):
    session_id = open_session(client, headers)

    def broken(_data):
        raise OSError("the stream store is unavailable")

    monkeypatch.setattr(services(app).tutor.qna, "process_streaming_state", broken)
    flow = send(client, headers, session_id, QUESTION)
    assert flow["streaming"] is False and flow["answer"].strip()
    assert view(client, headers, session_id)["conversation"][-2]["message"] == QUESTION


def test_chat_while_a_lesson_streams_does_not_start_another_lesson(client, headers):
    started = client.post(START, json={"chapter_number": 2, "section_number": 1}, headers=headers)
    data = started.json["data"]
    session_id = data["session_info"]["session_id"]
    flow = send(client, headers, session_id, "안녕하세요")
    assert flow["streaming"] is False and "temp_session_id" not in flow
    # The lesson that was streaming is still the session's active run.
    ticket = data["workflow_response"]["temp_session_id"]
    assert view(client, headers, session_id)["active_run"]["temp_session_id"] == ticket


def test_a_ticket_never_claimed_stops_showing_as_active(make_settings):
    import time

    from backend.app import create_app
    from tests.conftest import AuthHelper

    client = create_app(make_settings(STREAM_TICKET_TTL_SECONDS=1)).test_client()
    headers = AuthHelper(client).new_user_headers()
    started = client.post(START, json={"chapter_number": 2, "section_number": 1}, headers=headers)
    data = started.json["data"]
    session_id, ticket = (
        data["session_info"]["session_id"],
        data["workflow_response"]["temp_session_id"],
    )
    assert view(client, headers, session_id)["active_run"]["temp_session_id"] == ticket
    deadline = time.monotonic() + 10
    while view(client, headers, session_id)["active_run"] is not None:
        assert time.monotonic() < deadline, "the unclaimed ticket still shows as active"
        time.sleep(0.1)
    after = view(client, headers, session_id)
    assert after["session_progress_stage"] == "theory_failed"
    assert after["conversation"][-1]["status"] == "failed"
    (refusal,) = app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    assert refusal[1]["code"] == "INVALID_SESSION"


def test_a_question_during_a_streaming_lesson_leaves_the_lesson_resumable(client, headers):
    started = client.post(START, json={"chapter_number": 2, "section_number": 1}, headers=headers)
    data = started.json["data"]
    session_id, lesson = data["session_info"]["session_id"], data["workflow_response"]
    flow = send(client, headers, session_id, QUESTION)
    assert flow["current_agent"] == "qna_resolver" and flow["streaming"] is True
    assert view(client, headers, session_id)["active_run"] == {
        "temp_session_id": lesson["temp_session_id"],
        "kind": "theory",
    }
    answer = app_events(client, f"/api/v1/learning/qna-stream/{flow['temp_session_id']}")
    assert answer[-1][1]["type"] == "stream_complete"
    # The answer's end does not clear the lesson's run; the lesson's own end does.
    assert view(client, headers, session_id)["active_run"]["kind"] == "theory"
    assert app_events(client, f"/api/v1/learning/theory-stream/{lesson['temp_session_id']}")[-1][1][
        "type"
    ] == ("stream_complete")
    assert view(client, headers, session_id)["active_run"] is None


def test_answers_are_counted_in_metrics(client, headers):
    session_id = open_session(client, headers)

    def counts():
        return (
            metric_value(client, "tutor_stream_outcomes_total", kind="qna", outcome="success"),
            metric_value(client, "tutor_stream_first_block_seconds_count", kind="qna"),
        )

    before = counts()
    ticket = send(client, headers, session_id, QUESTION)["temp_session_id"]
    app_events(client, f"/api/v1/learning/qna-stream/{ticket}")
    assert counts() == (before[0] + 1, before[1] + 1)
