"""Rules that read a learner's message as an intent.

`theory_streaming` is not read from text: it is the intent of opening a lesson
(`session/start`). The offline model answers its `intent_classification` task with these
same rules, and the model-backed classifier falls back to them, so there is one rule set.
"""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["theory_streaming", "next_step", "question", "retry_easier", "other"]
MAX_COMMAND_LENGTH = 40

# An easier re-explanation of the lesson. Checked first: the wish is the most specific,
# so it wins over "next" words ("계속 이해가 안 돼요") and question marks ("다시 설명해
# 줄래요?").
_RETRY_EASIER = re.compile(
    r"쉽게|쉬운\s*말|어려워|어렵|어려운데|이해가?\s*(잘\s*)?안|이해를?\s*(잘\s*)?못|이해하기\s*힘들"
    r"|모르겠|다시\s*(한\s*번\s*|한번\s*)?(설명|알려|가르쳐)|한\s*번\s*더\s*설명|헷갈|복잡해"
    r"|easier|too\s+hard|don'?t\s+understand|confus",
    re.IGNORECASE,
)
# Short requests to move on ("다음", "계속할게요", "다음 섹션으로 가요", "next").
# "다음에" is "next time", not "next one".
_NEXT_STEP = re.compile(
    r"^(다음(?!에)|계속|넘어가|넘어갈|진행|이어서|next|continue|go on|move on)"
    r"|다음\s*(섹션|단계|수업|강의|내용|챕터|으로|로)|넘어가|넘어갈|계속할게|계속하자|진행해|진행하자",
    re.IGNORECASE,
)
# With a question mark a short message still moves on when it plainly asks to go
# ("다음으로 넘어갈까요?"); words asking about something ("다음 토큰은 어떻게...") never do.
_MOVE_ON = re.compile(
    r"넘어가|넘어갈|다음\s*(섹션|단계|수업|강의|챕터)?\s*(으로|로)\s*(가|갈|진행)|진행할까|계속할까",
    re.IGNORECASE,
)
_QUESTION_MARK = re.compile(r"[?？]")
_QUESTION_WORDS = re.compile(
    r"뭐|뭔|무엇|무슨|왜|어떻게|어떤|어째서|언제|어디|누가|누구|차이|알려|궁금|설명해|설명 해|예시|알고 싶"
    r"|\b(what|why|how|when|where|who|which|explain)\b",
    re.IGNORECASE,
)
# Sentence endings that ask, with or without '?': ~나요, ~까요, ~가요, ~죠, ~습니까.
_QUESTION_ENDING = re.compile(r"(나요|까요|가요|죠|죠요|습니까|ㅂ니까|는지요|인가|일까|을까)$")
# Emoji, punctuation and laughter that may trail a sentence ("뭐예요? 🤔", "그런가요ㅎㅎ").
_TRAILING = re.compile(r"[\s.!~…,ㅋㅎㅠㅜ^]+$|[^\w\s?？]+$")


def _sentence_end(text: str) -> str:
    """The text without trailing emoji, punctuation and laughter marks."""
    previous = None
    while previous != text:
        previous, text = text, _TRAILING.sub("", text)
    return text


def is_question(text: str) -> bool:
    """Whether the text asks something: '?', an interrogative word or an asking ending."""
    return bool(
        _QUESTION_MARK.search(text)
        or _QUESTION_WORDS.search(text)
        or _QUESTION_ENDING.search(_sentence_end(text))
    )


def is_next_step(text: str) -> bool:
    """Whether the text is a short request to move on to the next lesson."""
    if len(text) > MAX_COMMAND_LENGTH or not _NEXT_STEP.search(text):
        return False
    if _QUESTION_WORDS.search(text):
        return False
    return not _QUESTION_MARK.search(text) or bool(_MOVE_ON.search(text))


def classify_message(message: str) -> Intent:
    """The intent of a message sent during a session."""
    text = re.sub(r"\s+", " ", message).strip()
    if not text:
        return "other"
    if _RETRY_EASIER.search(text):
        return "retry_easier"
    if is_next_step(text):
        return "next_step"
    if is_question(text):
        return "question"
    return "other"
