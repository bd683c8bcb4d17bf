"""The lesson context says where its materials come from, and reads the label it had before."""

import json

import pytest
from pydantic import ValidationError

from backend.app.llm.prompt_tags import find_all_materials, find_tag
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import build_lesson_messages
from tests.support.lessons import LESSON_CONTEXT

# A lesson context as a ticket or run stored it before the label was renamed.
OLD_STORED_CONTEXT = json.dumps(
    {
        **LESSON_CONTEXT,
        "user_type": "beginner",
        "is_retry_session": False,
        "content_source": "vector",
    },
    ensure_ascii=False,
)


def test_a_context_stored_with_the_old_vector_label_loads_as_bm25():
    context = LessonContext.model_validate(json.loads(OLD_STORED_CONTEXT))
    assert context.content_source == "bm25"
    assert json.loads(context.model_dump_json())["content_source"] == "bm25"


def test_an_old_context_still_grounds_the_lesson_in_its_materials():
    context = LessonContext.model_validate_json(OLD_STORED_CONTEXT)
    _, human = build_lesson_messages(context)
    assert find_all_materials(human.content) == [("LLM 개요", "LLM은 대규모 언어 모델입니다.")]
    assert find_tag(human.content, "section_summary") is None


def test_unknown_labels_are_still_refused():
    payload = {**json.loads(OLD_STORED_CONTEXT), "content_source": "embedding"}
    with pytest.raises(ValidationError, match="content_source"):
        LessonContext.model_validate(payload)
