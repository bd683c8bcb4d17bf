"""The tutor graph with a scripted chat model: routing, checkpointed lessons, failures."""

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.agents.graph import build_tutor
from backend.app.agents.state import thread_config
from backend.app.course import get_course
from backend.app.llm.errors import GenerationFailed
from tests.support.lessons import LESSON


def scripted(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))


LESSON_REPLY = json.dumps(LESSON, ensure_ascii=False)


@pytest.fixture
def make_graph(settings):
    def factory(*replies: str):
        return build_tutor(
            course=get_course(),
            model=scripted(*replies),
            checkpointer=create_checkpointer(settings),
        ).graph

    return factory


def start(graph, session_id="s-1", chapter=2, section=1, message="2챕터 시작할게요"):
    initial = {
        "session_id": session_id,
        "user_id": "u-1",
        "chapter_number": chapter,
        "section_number": section,
        "user_type": "beginner",
        "user_message": message,
        "user_intent": "theory_streaming",
        "conversation": [],
        "completed_sections": [],
    }
    return graph.invoke(initial, thread_config(session_id))


def test_theory_streaming_intent_routes_to_the_educator_and_checkpoints_the_lesson(make_graph):
    graph = make_graph(LESSON_REPLY)
    state = start(graph)
    assert state["current_agent"] == "theory_educator"
    assert [b["block_id"] for b in state["theory_content"]] == [1, 2, 3, 4]
    assert [b["data"] for b in state["theory_content"]] == [b["data"] for b in LESSON]
    assert state["workflow_response"]["streaming"] is False
    assert [e["role"] for e in state["conversation"]] == ["user", "assistant"]
    assert state["content_source"] == "bm25"
    saved = graph.get_state(thread_config("s-1")).values
    assert saved["theory_content"] == state["theory_content"]


def test_a_second_graph_on_the_same_files_reads_the_same_state(make_graph):
    start(make_graph(LESSON_REPLY), session_id="shared")
    other_process_graph = make_graph()
    values = other_process_graph.get_state(thread_config("shared")).values
    assert values["chapter_number"] == 2 and len(values["theory_content"]) == 4


def test_next_step_moves_to_the_next_section(make_graph):
    graph = make_graph(LESSON_REPLY, LESSON_REPLY)
    start(graph, chapter=1, section=3)
    state = graph.invoke({"user_message": "다음", "user_intent": ""}, thread_config("s-1"))
    assert (state["chapter_number"], state["section_number"]) == (2, 1)
    assert state["completed_sections"] == [[1, 3], [2, 1]]
    assert state["user_intent"] == "next_step"
    assert len(state["conversation"]) == 4


def test_next_step_after_the_last_section_completes_the_course(make_graph):
    graph = make_graph(LESSON_REPLY)
    last = get_course().all_sections()[-1]
    start(graph, chapter=last.chapter_number, section=last.section_number)
    state = graph.invoke({"user_message": "다음", "user_intent": ""}, thread_config("s-1"))
    assert state["session_progress_stage"] == "course_completed"
    assert state["workflow_response"]["current_agent"] == "learning_supervisor"
    assert (state["chapter_number"], state["section_number"]) == (
        last.chapter_number,
        last.section_number,
    )


def test_other_messages_get_a_direct_reply_without_a_model_call(make_graph):
    graph = make_graph(LESSON_REPLY)  # a second model call would exhaust the script
    start(graph)
    state = graph.invoke({"user_message": "안녕하세요", "user_intent": ""}, thread_config("s-1"))
    assert state["user_intent"] == "other"
    assert state["workflow_response"]["ui_mode"] == "chat"
    assert state["conversation"][-1]["agent"] == "learning_supervisor"


def test_unusable_output_is_retried_once(make_graph):
    state = start(make_graph("죄송해요", LESSON_REPLY))
    assert len(state["theory_content"]) == 4


def test_a_failed_lesson_leaves_the_previous_one_in_place(make_graph):
    graph = make_graph(LESSON_REPLY, "not json", "still not json")
    start(graph)
    with pytest.raises(GenerationFailed):
        graph.invoke({"user_message": "다음", "user_intent": ""}, thread_config("s-1"))
    values = graph.get_state(thread_config("s-1")).values
    assert (values["chapter_number"], values["section_number"]) == (2, 1)
    assert len(values["theory_content"]) == 4 and len(values["conversation"]) == 2


def test_a_checkpoint_labelled_vector_before_the_rename_still_loads_and_goes_on(make_graph):
    start(make_graph(LESSON_REPLY), session_id="old")
    make_graph().update_state(thread_config("old"), {"content_source": "vector"})
    graph = make_graph(LESSON_REPLY)  # a process started after the rename
    assert graph.get_state(thread_config("old")).values["content_source"] == "vector"
    state = graph.invoke({"user_message": "다음", "user_intent": ""}, thread_config("old"))
    assert (state["chapter_number"], state["section_number"]) == (2, 2)
    assert state["content_source"] == "bm25"
