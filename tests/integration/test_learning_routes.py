"""Learning routes through the Flask app with the offline model (DESIGN 4.2)."""

import pytest

from backend.app.services.container import services

START = "/api/v1/learning/session/start"
MESSAGE = "/api/v1/learning/session/message"


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def start(client, headers, chapter=2, section=1, **extra):
    body = {
        "chapter_number": chapter,
        "section_number": section,
        "user_message": "시작할게요",
        "streaming": False,
    }
    return client.post(START, json={**body, **extra}, headers=headers)


def test_chapters_outline(client, headers):
    chapters = client.get("/api/v1/learning/chapters", headers=headers).json["data"]["chapters"]
    assert len(chapters) >= 3
    assert set(chapters[0]) == {"chapter_number", "title", "sections"}
    assert set(chapters[0]["sections"][0]) == {"section_number", "title"}


def test_start_returns_a_whole_lesson(client, headers):
    response = start(client, headers)
    assert response.status_code == 200
    data = response.json["data"]
    assert set(data["session_info"]) == {"session_id", "chapter_number", "section_number"}
    workflow = data["workflow_response"]
    assert workflow["streaming"] is False
    blocks = workflow["theory_content"]
    assert [b["block_id"] for b in blocks] == list(range(1, len(blocks) + 1))
    assert blocks[0]["block_type"] == "header"
    assert blocks[0]["data"]["chapter_info"] == "📚 2챕터 1섹션"


def test_each_start_opens_a_new_session_listed_newest_first(client, headers):
    first = start(client, headers, 1, 1).json["data"]["session_info"]["session_id"]
    second = start(client, headers, 3, 2).json["data"]["session_info"]["session_id"]
    sessions = client.get("/api/v1/learning/sessions", headers=headers).json["data"]["sessions"]
    assert [s["session_id"] for s in sessions] == [second, first]
    assert sessions[0]["progress"]["completed_sections"] == 1
    assert sessions[0]["section_title"]


def test_session_view_is_learner_visible_state(client, headers):
    session_id = start(client, headers).json["data"]["session_info"]["session_id"]
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert set(view) == {
        "session_id", "chapter_number", "section_number", "session_progress_stage",
        "user_type", "theory_content", "conversation", "active_run",
    }  # fmt: skip
    assert view["active_run"] is None
    assert [entry["role"] for entry in view["conversation"]] == ["user", "assistant"]
    assert set(view["conversation"][0]) == {"role", "agent", "message", "created_at"}
    assert len(view["theory_content"]) == 4


def test_next_step_message_moves_on(client, headers):
    session_id = start(client, headers, 1, 3).json["data"]["session_info"]["session_id"]
    response = client.post(
        MESSAGE,
        json={"session_id": session_id, "user_message": "다음", "streaming": False},
        headers=headers,
    )
    assert response.status_code == 200
    info = response.json["data"]["session_info"]
    assert (info["chapter_number"], info["section_number"]) == (2, 1)
    assert (
        response.json["data"]["workflow_response"]["theory_content"][0]["data"]["chapter_info"]
        == "📚 2챕터 1섹션"
    )


def test_user_type_comes_from_the_request_else_the_profile(client, headers):
    client.patch("/api/v1/auth/me", json={"user_type": "advanced"}, headers=headers)
    session_id = start(client, headers).json["data"]["session_info"]["session_id"]
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert view["user_type"] == "advanced"
    session_id = start(client, headers, user_type="beginner").json["data"]["session_info"][
        "session_id"
    ]
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert view["user_type"] == "beginner"


@pytest.mark.parametrize("chapter,section", [(9, 1), (1, 9), (99, 99)])
def test_unknown_section_is_404(client, headers, chapter, section):
    response = start(client, headers, chapter, section)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_another_users_session_is_404(client, auth, headers):
    session_id = start(client, headers).json["data"]["session_info"]["session_id"]
    stranger = auth.new_user_headers()
    assert client.get(f"/api/v1/learning/session/{session_id}", headers=stranger).status_code == 404
    response = client.post(
        MESSAGE, json={"session_id": session_id, "user_message": "다음"}, headers=stranger
    )
    assert response.status_code == 404
    assert client.get("/api/v1/learning/sessions", headers=stranger).json["data"]["sessions"] == []


def test_learning_routes_need_a_token(client):
    for method, path in (
        ("GET", "/api/v1/learning/chapters"),
        ("POST", START),
        ("GET", "/api/v1/learning/sessions"),
    ):
        assert client.open(path, method=method, json={}).status_code == 401


def test_a_second_app_on_the_same_files_sees_the_session(make_settings, client, headers):
    from backend.app import create_app

    session_id = start(client, headers).json["data"]["session_info"]["session_id"]
    other_worker = create_app(make_settings()).test_client()
    view = other_worker.get(f"/api/v1/learning/session/{session_id}", headers=headers)
    assert view.status_code == 200
    assert len(view.json["data"]["theory_content"]) == 4


def test_a_broken_retrieval_index_falls_back_to_the_section_data(client, headers, monkeypatch):
    import backend.app.retrieval as retrieval

    def broken(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(retrieval, "search_theory_materials", broken)
    response = start(client, headers)
    assert response.status_code == 200
    session_id = response.json["data"]["session_info"]["session_id"]
    with client.application.app_context():
        state = services(client.application).tutor.graph.get_state(
            {"configurable": {"thread_id": session_id}}
        )
    assert state.values["content_source"] == "fallback"
