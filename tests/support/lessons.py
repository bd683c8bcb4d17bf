"""A small valid lesson, one block of each kind, shared by tests and benchmarks."""

HEADER = {"block_type": "header", "data": {"chapter_info": "📚 2챕터 1섹션", "title": "LLM이란?"}}
INTRO = {"block_type": "section", "data": {"type": "introduction", "content": "안녕하세요!"}}
DEFINITION = {
    "block_type": "section",
    "data": {
        "type": "definition",
        "title": "LLM이 뭔가요?",
        "content": "대규모 언어 모델입니다.",
        "analogy": {"concept": "LLM", "comparison": "사서", "details": ["책을 많이 읽은 사서"]},
    },
}
EXAMPLES = {
    "block_type": "section",
    "data": {
        "type": "examples",
        "title": "예시",
        "items": [{"category": "챗봇", "description": "ChatGPT", "benefit": "대화"}],
    },
}
LESSON = [HEADER, INTRO, DEFINITION, EXAMPLES]

# The fields of a LessonContext (2-1, one material, from the BM25 search), as stored in a
# ticket: tests of prompts and of stored contexts start from it.
LESSON_CONTEXT = {
    "chapter_number": 2,
    "section_number": 1,
    "chapter_info": "📚 2챕터 1섹션",
    "section_title": "LLM이란?",
    "objectives": ["LLM을 설명할 수 있다"],
    "key_concepts": ["LLM", "토큰"],
    "summary": "LLM은 다음 토큰을 예측하는 대규모 언어 모델이다.",
    "materials": [{"title": "LLM 개요", "content": "LLM은 대규모 언어 모델입니다."}],
    "content_source": "bm25",
}
