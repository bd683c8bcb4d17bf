"""POST learning/feedback: a thumbs up or down on a lesson or an answer (DESIGN 4.2.2)."""

import pytest

from backend.app.services.container import services
from backend.app.storage.feedback_repo import FeedbackRepository
from backend.app.storage.sessions_repo import SessionRepository
from tests.support.metrics import metric_value

FEEDBACK = "/api/v1/learning/feedback"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


@pytest.fixture
def session_id(client, headers):
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작", "streaming": False}
    response = client.post("/api/v1/learning/session/start", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]["session_info"]["session_id"]


def _count(client, target: str, rating: str) -> float:
    return metric_value(client, "tutor_feedback_total", target=target, rating=rating)


def test_feedback_is_stored_with_the_session(app, client, headers, session_id):
    body = {"session_id": session_id, "target": "lesson", "rating": 1, "comment": " 쉬웠어요 "}
    response = client.post(FEEDBACK, json=body, headers=headers)

    assert response.status_code == 201
    assert response.json["success"] is True
    feedback = response.json["data"]["feedback"]
    assert set(feedback) == {
        "feedback_id", "session_id", "target", "rating", "comment", "created_at",
    }  # fmt: skip
    assert feedback["session_id"] == session_id
    assert (feedback["target"], feedback["rating"], feedback["comment"]) == (
        "lesson",
        1,
        "쉬웠어요",
    )
    (row,) = FeedbackRepository(services(app).database).list_for_session(session_id)
    assert (row.id, row.target, row.rating, row.comment) == (
        feedback["feedback_id"], "lesson", 1, "쉬웠어요",
    )  # fmt: skip


def test_comment_is_optional_and_an_answer_can_be_rated_down(app, client, headers, session_id):
    first = client.post(
        FEEDBACK, json={"session_id": session_id, "target": "answer", "rating": -1}, headers=headers
    )
    second = client.post(
        FEEDBACK,
        json={"session_id": session_id, "target": "answer", "rating": 1, "comment": "   "},
        headers=headers,
    )

    assert first.status_code == second.status_code == 201
    assert first.json["data"]["feedback"]["comment"] is None
    assert second.json["data"]["feedback"]["comment"] is None
    rows = FeedbackRepository(services(app).database).list_for_session(session_id)
    assert [(r.target, r.rating) for r in rows] == [("answer", -1), ("answer", 1)]


def test_feedback_is_counted_in_metrics(client, headers, session_id):
    before = _count(client, "answer", "down")
    body = {"session_id": session_id, "target": "answer", "rating": -1}

    assert client.post(FEEDBACK, json=body, headers=headers).status_code == 201

    assert _count(client, "answer", "down") == before + 1


def test_another_users_session_is_not_found(app, client, auth, session_id):
    body = {"session_id": session_id, "target": "lesson", "rating": 1}
    response = client.post(FEEDBACK, json=body, headers=auth.new_user_headers())

    assert response.status_code == 404
    assert response.json["success"] is False
    assert response.json["error"]["code"] == "NOT_FOUND"
    assert FeedbackRepository(services(app).database).list_for_session(session_id) == []


def test_unknown_session_is_not_found(client, headers):
    body = {"session_id": "no-such-session", "target": "lesson", "rating": 1}
    response = client.post(FEEDBACK, json=body, headers=headers)

    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"
    assert response.json["error"]["request_id"]


def test_token_is_required(client):
    body = {"session_id": "s", "target": "lesson", "rating": 1}
    response = client.post(FEEDBACK, json=body)

    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"


VALID = {"session_id": "s-1", "target": "lesson", "rating": 1}


@pytest.mark.parametrize(
    "body",
    [
        {**VALID, "target": "video"},
        {**VALID, "target": "LESSON"},
        {**VALID, "rating": 0},
        {**VALID, "rating": 2},
        {**VALID, "rating": True},
        {**VALID, "rating": False},
        {**VALID, "rating": "1"},
        {**VALID, "rating": 1.0},
        {**VALID, "rating": None},
        {**VALID, "comment": "가" * 1001},
        {**VALID, "comment": 5},
        {**VALID, "comment": "a\u0000b"},
        {**VALID, "session_id": ""},
        {**VALID, "extra": "field"},
        {"target": "lesson", "rating": 1},
        {"session_id": "s-1", "rating": 1},
        {"session_id": "s-1", "target": "lesson"},
        {},
    ],
    ids=[
        "target-unknown", "target-case", "rating-0", "rating-2", "rating-true", "rating-false",
        "rating-string", "rating-float", "rating-null", "comment-too-long", "comment-number",
        "comment-control-char", "session-empty", "extra-field", "missing-session",
        "missing-target", "missing-rating", "empty",
    ],
)  # fmt: skip
def test_invalid_body_is_a_validation_error(client, headers, body):
    response = client.post(FEEDBACK, json=body, headers=headers)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["details"]


def test_comment_of_exactly_1000_characters_is_accepted(client, headers, session_id):
    body = {"session_id": session_id, "target": "lesson", "rating": -1, "comment": "가" * 1000}

    assert client.post(FEEDBACK, json=body, headers=headers).status_code == 201


def test_feedback_goes_with_its_session(app, client, headers, session_id):
    body = {"session_id": session_id, "target": "lesson", "rating": 1}
    assert client.post(FEEDBACK, json=body, headers=headers).status_code == 201
    db = services(app).database

    SessionRepository(db).delete(session_id)

    assert FeedbackRepository(db).list_for_session(session_id) == []
