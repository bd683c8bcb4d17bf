"""Rules that read a learner's message as an intent.

`theory_streaming` is not read from text: it is the intent of opening a lesson
(`session/start`). Questions and easier re-explanations come with the QnA work.
"""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["theory_streaming", "next_step", "other"]

# Short requests to move on ("다음", "계속할게요", "다음 섹션으로 가요", "next").
_NEXT_STEP = re.compile(
    r"^(다음|계속|넘어가|진행|이어서|next|continue|go on)"
    r"|다음\s*(섹션|단계|수업|강의|내용|챕터|으로|로)|넘어갈게|계속할게|진행해",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？]|뭐|무엇|왜|어떻게|알려")
MAX_COMMAND_LENGTH = 40


def classify_message(message: str) -> Intent:
    """The intent of a message sent during a session."""
    text = message.strip()
    if not text:
        return "other"
    # "다음 토큰은 어떻게 예측하나요?" mentions 다음 but asks something: not a command.
    if len(text) <= MAX_COMMAND_LENGTH and _NEXT_STEP.search(text) and not _QUESTION.search(text):
        return "next_step"
    return "other"
