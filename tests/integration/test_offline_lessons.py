"""The offline model writes a valid lesson for every section of the shipped course."""

import pytest

from backend.app.course import get_course
from backend.app.llm.offline import OfflineChatModel
from backend.app.tools.content.lesson_context import prepare_lesson_context
from backend.app.tools.content.theory_tools import theory_generation_tool

SECTIONS = get_course().all_sections()


@pytest.mark.parametrize(
    "section", SECTIONS, ids=lambda s: f"ch{s.chapter_number}_s{s.section_number}"
)
@pytest.mark.parametrize("user_type", ["beginner", "advanced"])
def test_offline_lesson_for_every_section(section, user_type):
    context = prepare_lesson_context(section, user_type=user_type, is_retry_session=False)
    assert context.content_source == "bm25"
    blocks = theory_generation_tool(context, OfflineChatModel(tokens_per_second=0))
    assert [b["block_type"] for b in blocks] == ["header", "section", "section", "section"]
    assert [b["data"]["type"] for b in blocks[1:]] == ["introduction", "definition", "examples"]
    assert blocks[0]["data"]["chapter_info"] == section.chapter_info
    assert section.title in blocks[0]["data"]["title"]
