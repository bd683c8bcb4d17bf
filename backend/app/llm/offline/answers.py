"""Q&A answers grounded in the course materials by character-bigram overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.app.llm.offline.text_utils import bigrams, shorten, split_sentences
from backend.app.llm.prompt_tags import find_all_materials, find_tag

LESSON_SOURCE = "현재 강의"
NOT_COVERED = "이 질문은 강의 자료에서 다루지 않는 내용이에요"
# Below this share of the question's bigrams, a sentence does not really answer it.
MIN_SCORE = 0.3
MIN_SHARED_BIGRAMS = 2
MAX_SENTENCES = 3
# Question endings and filler shared by every question; they say nothing about the topic.
_QUESTION_FILLER = re.compile(
    r"무엇인가요|무엇인지|무엇이|무엇을|뭔가요|뭔지|뭐예요|뭐야|뭐죠|인가요|있나요|하나요|되나요"
    r"|어떻게|어떤|왜|알려\s*주세요|알려줘|설명해\s*주세요|설명해줘|궁금해요|궁금합니다|주세요"
    r"|입니까|에 대해|대해서|대해"
    r"|\b(?:what|why|how|is|are|the|does|do|a|an|of|please|explain)\b"
)


@dataclass(frozen=True)
class Evidence:
    """One candidate sentence with its source title, position and score."""

    source: str
    position: int
    sentence: str
    score: float
    shared: int


def _topic_bigrams(question: str) -> set[str]:
    return bigrams(_QUESTION_FILLER.sub(" ", question.lower()))


def rank_evidence(question: str, sources: list[tuple[str, str]]) -> list[Evidence]:
    """Return every source sentence scored against the question, best first."""
    wanted = _topic_bigrams(question)
    ranked: list[Evidence] = []
    position = 0
    for title, text in sources:
        for sentence in split_sentences(text):
            shared = len(wanted & bigrams(sentence))
            score = shared / len(wanted) if wanted else 0.0
            ranked.append(Evidence(title, position, sentence, score, shared))
            position += 1
    # Ties keep document order, so the answer is deterministic.
    return sorted(ranked, key=lambda item: (-item.score, item.position))


def _is_relevant(item: Evidence) -> bool:
    return item.score >= MIN_SCORE and item.shared >= MIN_SHARED_BIGRAMS


def compose_answer(text: str) -> str:
    """Return the Markdown answer for the ``<question>`` tag."""
    question = find_tag(text, "question") or ""
    sources = find_all_materials(text)
    lesson = find_tag(text, "lesson")
    if lesson:
        sources.append((LESSON_SOURCE, lesson))
    ranked = [item for item in rank_evidence(question, sources) if _is_relevant(item)]
    if not ranked:
        return _not_covered(question)
    best = ranked[0]
    # Keep supporting sentences close in score to the best one, read in document order.
    chosen = [item for item in ranked[:MAX_SENTENCES] if item.score >= best.score * 0.5]
    supporting = sorted((item for item in chosen if item is not best), key=lambda i: i.position)
    titles = list(dict.fromkeys(item.source for item in [best, *supporting]))
    lines = [
        "좋은 질문이에요! 강의 자료를 바탕으로 답변드릴게요 😊",
        "",
        "### 핵심 답변",
        best.sentence,
    ]
    if supporting:
        lines += ["", "### 조금 더 자세히", *(f"- {item.sentence}" for item in supporting)]
    lines += ["", "참고: " + ", ".join(f"「{title}」" for title in titles)]
    return "\n".join(lines)


def _not_covered(question: str) -> str:
    topic = shorten(question, 60)
    quoted = f"> 질문: {topic}\n\n" if topic else ""
    return (
        f"{NOT_COVERED} 🙏\n\n{quoted}"
        "일반적인 내용이 궁금하시다면 질문의 핵심 키워드로 공식 문서나 신뢰할 수 있는 자료를 "
        "찾아보시길 권해요. 지금 배우고 있는 강의 내용과 관련된 질문이라면 언제든지 다시 "
        "물어봐 주세요!"
    )
