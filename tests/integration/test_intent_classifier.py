"""IntentClassifier with the real provider clients against the fake servers, and its fallback."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from backend.app.agents.learning_supervisor.intent_classifier import IntentClassifier
from backend.app.config import Settings
from backend.app.llm.factory import create_chat_model
from tests.fakes.scripts import Script

pytestmark = pytest.mark.timeout(30)


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(
        _env_file=None, APP_ENV="testing", DATA_DIR=tmp_path, LLM_MAX_RETRIES=0, **values
    )


def _openai_classifier(tmp_path: Path, server: Any, *, use_model: bool = True) -> IntentClassifier:
    settings = _settings(
        tmp_path, LLM_PROVIDER="openai", OPENAI_API_KEY="k", OPENAI_BASE_URL=server.base_url
    )
    return IntentClassifier(create_chat_model(settings), use_model=use_model)


def test_returns_the_intent_the_model_chose(tmp_path, fake_openai):
    # The rules read "너무 어려워요" as retry_easier: a different answer proves the model decided.
    fake_openai.script('{"intent": "question", "reason": "수업 내용에 대한 질문"}')

    assert _openai_classifier(tmp_path, fake_openai).classify("너무 어려워요") == "question"


def test_asks_for_a_strict_json_schema_with_the_tagged_prompt(tmp_path, fake_openai):
    fake_openai.script('{"intent": "retry_easier", "reason": ""}')

    _openai_classifier(tmp_path, fake_openai).classify("임베딩 설명이 좀 벅차요")

    (record,) = fake_openai.wait_for_finished(1)
    assert not record.stream
    response_format = record.body["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert response_format["json_schema"]["strict"] is True
    assert schema["properties"]["intent"]["enum"] == [
        "next_step",
        "question",
        "retry_easier",
        "other",
    ]
    # Strict structured output rejects `default`; every property is required instead.
    assert "default" not in json.dumps(schema)
    assert set(schema["required"]) == {"intent", "reason"}
    system, human = record.messages
    assert "<task>intent_classification</task>" in system["content"]
    assert human["content"] == "<message>임베딩 설명이 좀 벅차요</message>"


@pytest.mark.parametrize(
    "reply",
    [
        Script.error(500),
        "이건 JSON이 아니에요",
        '{"intent": "dance", "reason": ""}',
        '{"reason": "no intent"}',
    ],
    ids=["http-500", "garbage", "unknown-intent", "missing-intent"],
)
def test_model_failure_falls_back_to_the_rules(tmp_path, fake_openai, caplog, reply):
    fake_openai.script(reply)
    classifier = _openai_classifier(tmp_path, fake_openai)

    with caplog.at_level(logging.WARNING):
        assert classifier.classify("너무 어려워요") == "retry_easier"

    assert len(fake_openai.wait_for_finished(1)) == 1
    assert any("using rules" in r.getMessage() for r in caplog.records)


def test_plain_command_skips_the_model(tmp_path, fake_openai):
    classifier = _openai_classifier(tmp_path, fake_openai)

    assert classifier.classify(" 다음 ") == "next_step"
    assert classifier.classify("") == "other"
    assert fake_openai.requests == []


def test_without_use_model_the_rules_answer(tmp_path, fake_openai):
    classifier = _openai_classifier(tmp_path, fake_openai, use_model=False)

    assert classifier.classify("임베딩이 뭐예요?") == "question"
    assert fake_openai.requests == []


def test_offline_provider_uses_the_rules(tmp_path):
    model = create_chat_model(_settings(tmp_path, LLM_PROVIDER="offline"))

    assert IntentClassifier(model, use_model=False).classify("헷갈려요") == "retry_easier"
    assert IntentClassifier(None, use_model=True).classify("고마워요") == "other"


def test_gemini_structured_output_returns_the_scripted_intent(tmp_path, fake_gemini):
    fake_gemini.script('{"intent": "next_step", "reason": "넘어가자는 요청"}')
    settings = _settings(
        tmp_path, LLM_PROVIDER="gemini", GOOGLE_API_KEY="k", GEMINI_BASE_URL=fake_gemini.base_url
    )
    classifier = IntentClassifier(create_chat_model(settings), use_model=True)

    assert classifier.classify("이제 슬슬 가 볼까요") == "next_step"
    (record,) = fake_gemini.wait_for_finished(1)
    config = record.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert "default" not in json.dumps(config["responseJsonSchema"])
