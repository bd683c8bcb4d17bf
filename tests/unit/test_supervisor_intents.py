"""Reading a learner's message as next_step, question, retry_easier or other (the rules)."""

import json

import pytest

from backend.app.domain.intents import classify_message
from backend.app.llm.offline import OfflineChatModel
from backend.app.llm.prompt_tags import TASK_INTENT_CLASSIFICATION, render_tag

PHRASINGS = [
    # next_step: short requests to move on
    ("다음", "next_step"),
    ("다음으로", "next_step"),
    ("계속할게요", "next_step"),
    ("다음 섹션으로 가요", "next_step"),
    ("넘어가자", "next_step"),
    ("넘어갈게요", "next_step"),
    ("이어서 해 주세요", "next_step"),
    ("좋아요, 다음으로 넘어가요", "next_step"),
    ("다음으로 넘어갈까요?", "next_step"),
    ("next", "next_step"),
    ("  Next  ", "next_step"),
    ("다음 👉", "next_step"),
    # retry_easier: wins over question marks and over 계속
    ("너무 어려워요", "retry_easier"),
    ("이해가 안 돼요", "retry_easier"),
    ("좀 더 쉽게 설명해 주세요", "retry_easier"),
    ("다시 설명해 줄래요?", "retry_easier"),
    ("헷갈려요 😭", "retry_easier"),
    ("계속 이해가 안 돼요", "retry_easier"),
    ("잘 모르겠어요", "retry_easier"),
    ("이해가 잘 안 가요", "retry_easier"),
    # question: about the lesson or the course, with or without '?'
    ("임베딩이 뭐예요?", "question"),
    ("트랜스포머는 왜 빠른가요", "question"),
    ("RAG와 파인튜닝의 차이를 알려줘", "question"),
    ("프롬프트를 어떻게 쓰면 좋을까요", "question"),
    ("다음 토큰은 어떻게 예측하나요?", "question"),
    ("왜 다음 단어를 맞히는 게 중요해요", "question"),
    ("토큰화가 꼭 필요한가요", "question"),
    ("어텐션은 언제 처음 나왔죠", "question"),
    ("벡터 데이터베이스가 궁금해요", "question"),
    ("파인튜닝 비용은?", "question"),
    ("임베딩이\n뭐예요 🤔", "question"),
    ("What is RAG", "question"),
    ("예시 좀 보여 주세요", "question"),
    # other: greetings, thanks, chatter
    ("안녕하세요", "other"),
    ("고마워요", "other"),
    ("ㅋㅋ", "other"),
    ("좋아요 👍", "other"),
    ("다음에 또 올게요", "other"),
    ("   ", "other"),
    ("", "other"),
]


@pytest.mark.parametrize(("message", "intent"), PHRASINGS)
def test_classify_message(message, intent):
    assert classify_message(message) == intent


def test_every_intent_read_from_text_is_covered():
    assert {intent for _, intent in PHRASINGS} == {"next_step", "retry_easier", "question", "other"}


@pytest.mark.parametrize(("message", "intent"), PHRASINGS)
def test_offline_model_agrees_with_the_rules(message, intent):
    prompt = render_tag("task", TASK_INTENT_CLASSIFICATION) + render_tag("message", message)
    reply = OfflineChatModel(tokens_per_second=0).invoke(prompt).content
    assert json.loads(reply) == {"intent": intent}


def test_long_message_with_next_words_is_not_a_command():
    message = "다음 섹션으로 가기 전에 지금까지 배운 내용을 정리해 보고 싶은데 " * 2
    assert classify_message(message) != "next_step"
