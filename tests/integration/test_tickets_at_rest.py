"""Tickets at rest: no data file keeps a usable ticket once its run has ended.

The ticket table and the run log hold only a ticket's hash; the wire's `stream_start`
still carries the ticket, put back as it is served. The sessions index holds the ticket
of a live run (a reload resumes it) and erases it, deleted bytes included, when the run
ends. Every file under DATA_DIR is read as raw bytes: tables, free pages and WALs alike.
"""

import pytest

from tests.support.app_turns import start_lesson
from tests.support.data_files import files_holding
from tests.support.sse_client import app_events

MESSAGE = "/api/v1/learning/session/message"
QUESTION = "트랜스포머의 셀프 어텐션은 무엇인가요?"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def view(client, headers, session_id):
    return client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]


def ask(client, headers, session_id) -> str:
    body = {"session_id": session_id, "user_message": QUESTION}
    response = client.post(MESSAGE, json=body, headers=headers)
    assert response.status_code == 200, response.json
    flow = response.json["data"]["workflow_response"]
    assert flow["current_agent"] == "qna_resolver" and flow["streaming"] is True
    return flow["temp_session_id"]


def test_no_ticket_rests_in_any_data_file_after_a_lesson_and_an_answer(client, headers, settings):
    data_dir = settings.DATA_DIR
    session_id, lesson = start_lesson(client, headers)
    # Live (issued, not ended): the session view offers it, so the sessions index holds it.
    assert view(client, headers, session_id)["active_run"] == {
        "temp_session_id": lesson,
        "kind": "theory",
    }
    assert files_holding(data_dir, lesson), "the check below could not see a ticket"

    url = f"/api/v1/learning/theory-stream/{lesson}"
    served = app_events(client, url)
    assert served[0] == (
        1,
        {"type": "stream_start", "temp_session_id": lesson, "estimated_blocks": 4},
    )
    assert served[-1][1]["type"] == "stream_complete"
    assert app_events(client, url, **{"Last-Event-ID": "0"}) == served  # replayed whole
    assert view(client, headers, session_id)["active_run"] is None

    answer = ask(client, headers, session_id)
    assert view(client, headers, session_id)["active_run"] == {
        "temp_session_id": answer,
        "kind": "qna",
    }
    url = f"/api/v1/learning/qna-stream/{answer}"
    served = app_events(client, url)
    assert served[0] == (1, {"type": "stream_start", "temp_session_id": answer})
    assert served[-1][1]["type"] == "stream_complete"
    assert app_events(client, url, **{"Last-Event-ID": "0"}) == served
    assert view(client, headers, session_id)["active_run"] is None

    assert files_holding(data_dir, lesson) == []
    assert files_holding(data_dir, answer) == []


def test_a_ticket_cancelled_before_its_stream_leaves_no_trace(client, headers, settings):
    session_id, ticket = start_lesson(client, headers)
    cancel = client.post(f"/api/v1/learning/theory-stream/{ticket}/cancel", headers=headers)
    assert cancel.status_code == 202
    (refusal,) = app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    assert refusal[1]["code"] == "CANCELLED"
    assert view(client, headers, session_id)["active_run"] is None
    assert files_holding(settings.DATA_DIR, ticket) == []
