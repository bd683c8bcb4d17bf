"""Intent classification of a learner message by keyword rules, and the generic reply."""

from __future__ import annotations

import json
import re

from backend.app.llm.offline.text_utils import pick, shorten
from backend.app.llm.prompt_tags import find_tag

# Checked in this order: asking for an easier retry is the most specific wish, so it wins
# over "next" words ("계속 이해가 안 돼요") and over question marks ("쉽게 설명해 줄래요?").
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "retry_easier",
        (
            "쉽게",
            "어려워",
            "어렵",
            "이해가 안",
            "이해 안",
            "이해가 잘 안",
            "모르겠",
            "다시 설명",
            "다시 알려",
            "헷갈",
        ),
    ),
    ("next_step", ("다음", "계속", "넘어가", "넘어갈", "진행해", "진행하", "넘겨")),
    ("question", ("?", "？", "뭐", "뭔", "왜", "어떻게", "무엇", "알려", "궁금", "차이")),
)


def classify_intent(message: str) -> str:
    """Return question, next_step, retry_easier or other for a learner message."""
    normalized = re.sub(r"\s+", " ", message).strip()
    for intent, keywords in _RULES:
        if any(keyword in normalized for keyword in keywords):
            return intent
    return "other"


def compose_intent(text: str) -> str:
    """Return the JSON intent object for the ``<message>`` tag."""
    intent = classify_intent(find_tag(text, "message") or "")
    return json.dumps({"intent": intent}, ensure_ascii=False)


_GREETINGS = (
    '안녕하세요! 보내 주신 메시지 "{snippet}" 잘 받았어요 😊',
    '메시지 "{snippet}" 고맙게 잘 읽었어요 🙂',
    '"{snippet}"라고 말씀해 주셨네요. 잘 받았어요 😊',
)


def compose_default_reply(last_human: str) -> str:
    """Return a short, polite Korean reply to the learner's last message."""
    snippet = shorten(last_human, 40)
    if not snippet:
        return "안녕하세요! 무엇을 도와드릴까요? 😊 강의 내용이나 문제에 대해 편하게 물어봐 주세요."
    greeting = pick(_GREETINGS, snippet).format(snippet=snippet)
    return (
        f"{greeting} 지금은 간단한 답변만 드릴 수 있지만, 강의 내용이나 연습 문제에 대해 "
        "궁금한 점이 있다면 언제든지 편하게 물어봐 주세요."
    )
