"""Reading `next_step` from a learner's message (more intents come with questions)."""

import pytest

from backend.app.agents.learning_supervisor.intents import classify_message


@pytest.mark.parametrize(
    "message,intent",
    [
        ("다음", "next_step"),
        ("다음으로", "next_step"),
        ("계속할게요", "next_step"),
        ("다음 섹션으로 가요", "next_step"),
        ("넘어갈게요", "next_step"),
        ("이어서 해 주세요", "next_step"),
        ("next", "next_step"),
        ("다음 토큰은 어떻게 예측하나요?", "other"),
        ("왜 다음 단어를 맞히는 게 중요해요", "other"),
        ("안녕하세요", "other"),
        ("", "other"),
    ],
)
def test_classify_message(message, intent):
    assert classify_message(message) == intent
