"""Prompt templates of theory lessons, shared by the synchronous and the streaming tool.

The reply format is the same for every provider: a JSON array of blocks. Values are
embedded with the prompt tag protocol (`backend.app.llm.prompt_tags`), which real models
read as plain structure and the offline model parses.
"""

from __future__ import annotations

import json

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from backend.app.llm.prompt_tags import (
    TASK_THEORY_LESSON,
    render_lines,
    render_material,
    render_tag,
)
from backend.app.tools.content.blocks import MAX_LIST_ITEMS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS
from backend.app.tools.content.lesson_context import LessonContext

ESTIMATED_BLOCKS = 4

SYSTEM_PROMPT = """당신은 한국어로 AI와 LLM 기초를 가르치는 친절한 튜터입니다.
주어진 섹션 정보와 학습 자료만을 근거로 이론 수업을 작성하세요.

출력 형식: JSON 배열 하나만 출력하세요. 설명 문장이나 코드 펜스를 붙이지 마세요.
배열의 각 원소는 {{"block_type": ..., "data": ...}} 이며 다음 순서를 따릅니다.
1. {{"block_type": "header", "data": {{"chapter_info": "{chapter_info}", "title": "섹션 제목과 이모지"}}}}
2. {{"block_type": "section", "data": {{"type": "introduction", "content": "도입 문단"}}}}
3. {{"block_type": "section", "data": {{"type": "definition", "title": "...", "content": "정의",
   "analogy": {{"concept": "개념", "comparison": "일상적인 비유", "details": ["비유의 세부 대응", "..."]}}}}}}
4. {{"block_type": "section", "data": {{"type": "examples", "title": "...",
   "items": [{{"category": "분류", "description": "설명", "benefit": "학습자에게 주는 의미"}}]}}}}
block_id는 쓰지 마세요. 서버가 번호를 매깁니다.
분량 제한: items와 details는 각각 {max_items}개 이하, 제목과 분류는 {max_short}자 이하, 그 밖의
문자열은 {max_text}자 이하로 쓰세요. 넘는 부분은 잘려서 학습자에게 보이지 않습니다.

{style}"""

STYLES = {
    "beginner": "학습자 수준: 입문자. 전문 용어는 처음 나올 때 쉽게 풀어 쓰고, 친근한 말투와 "
    "일상적인 비유를 쓰세요.",
    "advanced": "학습자 수준: 숙련자. 정확한 용어와 밀도 있는 설명을 쓰고, 개념 사이의 관계와 "
    "한계도 짚어 주세요.",
}
RETRY_STYLE = (
    "이번 수업은 다시 설명하는 수업입니다. 학습자가 앞선 설명을 어려워했으니 더 짧은 문장과 "
    "더 쉬운 비유로, 핵심만 차근차근 설명하세요."
)
SOURCE_NOTES = {
    "bm25": "아래 material 태그에 담긴 학습 자료의 내용을 근거로 쓰고, 자료에 없는 사실은 지어내지 마세요.",
    "fallback": "검색된 학습 자료가 없습니다. 섹션 목표, 핵심 개념, 요약을 근거로 쓰세요.",
}


def _prepare_retrieved_input_data(context: LessonContext) -> str:
    """The retrieved materials, as tagged text."""
    return "\n".join(render_material(m.title, m.content) for m in context.materials)


def _prepare_fallback_input_data(context: LessonContext) -> str:
    """The section's own data, for when retrieval found nothing."""
    return render_tag("section_summary", context.summary)


def build_lesson_messages(
    context: LessonContext, *, blocks_already_sent: list[dict] | None = None
) -> list[BaseMessage]:
    """System + human messages asking for the lesson (or for its remaining blocks)."""
    style = STYLES[context.user_type]
    if context.is_retry_session:
        style = f"{style}\n{RETRY_STYLE}"
    system = SYSTEM_PROMPT.format(
        chapter_info=context.chapter_info,
        style=style,
        max_items=MAX_LIST_ITEMS,
        max_short=MAX_SHORT_TEXT_CHARS,
        max_text=MAX_TEXT_CHARS,
    )
    source = (
        _prepare_retrieved_input_data(context)
        if context.content_source == "bm25"
        else _prepare_fallback_input_data(context)
    )
    parts = [
        render_tag("task", TASK_THEORY_LESSON),
        render_tag("chapter_number", context.chapter_number),
        render_tag("section_number", context.section_number),
        render_tag("section_title", context.section_title),
        render_lines("objectives", context.objectives),
        render_lines("key_concepts", context.key_concepts),
        render_tag("user_type", context.user_type),
        render_tag("is_retry", str(context.is_retry_session).lower()),
        SOURCE_NOTES[context.content_source],
        source,
    ]
    if blocks_already_sent:
        parts += [
            "아래 블록은 이미 학습자에게 전달되었습니다. 같은 형식으로 나머지 블록만 이어서 쓰세요.",
            render_tag("blocks_already_sent", json.dumps(blocks_already_sent, ensure_ascii=False)),
        ]
    return [SystemMessage(system), HumanMessage("\n".join(parts))]
