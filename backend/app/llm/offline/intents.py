"""Intent classification of a learner message (the shared intent rules), and the generic reply."""

from __future__ import annotations

import json

from backend.app.domain.intents import classify_message
from backend.app.llm.offline.text_utils import pick, shorten
from backend.app.llm.prompt_tags import find_tag


def compose_intent(text: str) -> str:
    """Return the JSON intent object for the ``<message>`` tag (the supervisor's rules)."""
    intent = classify_message(find_tag(text, "message") or "")
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
