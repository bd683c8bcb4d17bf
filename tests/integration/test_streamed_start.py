"""A streamed session/start saves its first checkpoint in one write, the same state as a
graph run, and the session goes on from it as before."""

import json

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.agents.graph import build_tutor
from backend.app.agents.state import first_turn_state, thread_config
from backend.app.course import get_course
from backend.app.domain.tickets import StreamTicket
from backend.app.services.container import services
from tests.support.lessons import LESSON

LESSON_REPLY = json.dumps(LESSON, ensure_ascii=False)


def tutor_for(settings, *replies: str):
    model = GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))
    return build_tutor(course=get_course(), model=model, checkpointer=create_checkpointer(settings))


def first_turn(session_id: str, chapter: int = 2, section: int = 1) -> dict:
    return first_turn_state(session_id, "u-1", chapter, section, "beginner", "시작할게요")


def test_a_streamed_start_saves_the_state_a_graph_run_saves(settings):
    tutor = tutor_for(settings)
    ran = tutor.graph.invoke(first_turn("ran"), thread_config("ran", streaming=True))
    opened = tutor.open_streamed_lesson(
        first_turn("opened"), thread_config("opened", streaming=True)
    )
    saved = {name: tutor.graph.get_state(thread_config(name)) for name in ("ran", "opened")}
    assert {**opened, "session_id": "ran"} == {**ran, "session_id": "ran"}
    assert {**saved["opened"].values, "session_id": "ran"} == saved["ran"].values
    assert saved["opened"].values == opened
    assert saved["opened"].next == saved["ran"].next == ()
    assert opened["session_progress_stage"] == "theory_streaming"
    assert (opened["target_chapter_number"], opened["target_section_number"]) == (2, 1)


def test_a_streamed_start_is_one_checkpoint(settings):
    tutor = tutor_for(settings)
    tutor.open_streamed_lesson(first_turn("one"), thread_config("one", streaming=True))
    assert len(list(tutor.graph.get_state_history(thread_config("one")))) == 1


def test_after_a_streamed_start_the_lesson_is_saved_and_the_session_goes_on(settings):
    tutor = tutor_for(settings, LESSON_REPLY)  # the next section's lesson, written in the graph
    state = tutor.open_streamed_lesson(first_turn("s-1"), thread_config("s-1", streaming=True))
    ticket = StreamTicket(
        session_id="s-1",
        user_id="u-1",
        slot_id="session:s-1",
        user_message="시작할게요",
        context={"content_source": "bm25"},
    )
    blocks = [
        {"block_type": b["block_type"], "block_id": i, "data": b["data"]}
        for i, b in enumerate(LESSON, 1)
    ]
    tutor.educator.finalize_streaming_state(ticket, {"status": "completed", "blocks": blocks})
    finished = tutor.graph.get_state(thread_config("s-1")).values
    assert finished["session_progress_stage"] == "theory_completed"
    assert finished["theory_content"] == blocks
    assert finished["completed_sections"] == [[2, 1]]
    assert finished["user_type"] == state["user_type"] == "beginner"
    following = tutor.graph.invoke(
        {"user_message": "다음", "user_intent": ""}, thread_config("s-1")
    )
    assert (following["chapter_number"], following["section_number"]) == (2, 2)
    assert following["completed_sections"] == [[2, 1], [2, 2]]
    assert [e["role"] for e in following["conversation"]] == ["user", "assistant"] * 2


def test_a_start_the_supervisor_does_not_end_runs_through_the_graph(settings):
    tutor = tutor_for(settings, LESSON_REPLY)
    # Without `streaming` in the config the supervisor sends the lesson to the educator:
    # the call is a plain graph run, lesson included.
    state = tutor.open_streamed_lesson(first_turn("sync"), thread_config("sync"))
    assert state["session_progress_stage"] == "theory_completed"
    assert len(state["theory_content"]) == len(LESSON)


def test_the_checkpoint_file_commits_without_syncing_each_time(settings):
    saver = create_checkpointer(settings)
    # 1 = NORMAL: in WAL mode the log is synced at checkpoints, not at every commit.
    assert saver.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert saver.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_session_start_records_its_stream_in_the_session_at_once(client, auth):
    headers = auth.new_user_headers()
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    data = client.post("/api/v1/learning/session/start", json=body, headers=headers).json["data"]
    ticket = data["workflow_response"]["temp_session_id"]
    session_id = data["session_info"]["session_id"]
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert view["session_progress_stage"] == "theory_streaming"
    assert view["active_run"] == {"temp_session_id": ticket, "kind": "theory"}
    listed = client.get("/api/v1/learning/sessions", headers=headers).json["data"]
    assert listed["sessions"][0]["session_id"] == session_id


def test_a_streamed_start_waits_its_turn_and_a_synchronous_one_does_not(app, client, auth):
    turns = services(app).turns
    waited = []
    real = turns.admission.wait_turn
    turns.admission.wait_turn = lambda: (waited.append(True), real())[1]
    headers = auth.new_user_headers()
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    streamed = client.post("/api/v1/learning/session/start", json=body, headers=headers)
    assert streamed.json["data"]["workflow_response"]["streaming"] is True
    assert waited == [True]
    whole = client.post(
        "/api/v1/learning/session/start", json={**body, "streaming": False}, headers=headers
    )
    assert whole.json["data"]["workflow_response"]["streaming"] is False
    assert waited == [True]
