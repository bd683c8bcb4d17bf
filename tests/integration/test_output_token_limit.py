"""LLM_MAX_OUTPUT_TOKENS: every provider's calls carry it, and a reply cut by it is no answer."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from backend.app.config import Settings
from backend.app.llm.factory import create_chat_model
from backend.app.llm.limits import OutputTokenLimitReached, check_reply_complete
from backend.app.llm.text_stream import stream_text
from tests.fakes.scripts import Script

pytestmark = pytest.mark.timeout(30)

MESSAGES = [HumanMessage("변수가 뭐야?")]
TEXT = "변수는 값을 담는 이름표예요. " * 4


def model_for(provider: str, base_url: str = "", **extra):
    values = {"LLM_MAX_OUTPUT_TOKENS": 123, **extra}
    settings = Settings(
        _env_file=None,
        APP_ENV="testing",
        LLM_PROVIDER=provider,
        OPENAI_API_KEY="k",
        OPENAI_BASE_URL=base_url if provider == "openai" else "",
        GOOGLE_API_KEY="k",
        GEMINI_BASE_URL=base_url if provider == "gemini" else "",
        LLM_MAX_RETRIES=0,
        OFFLINE_LLM_TOKENS_PER_SECOND=0,
        **values,
    )
    return create_chat_model(settings)


def test_openai_calls_ask_for_at_most_the_output_limit(fake_openai):
    model = model_for("openai", fake_openai.base_url)
    model.invoke(MESSAGES)
    list(stream_text(model, MESSAGES))
    assert [r.body["max_completion_tokens"] for r in fake_openai.requests] == [123, 123]


def test_gemini_calls_ask_for_at_most_the_output_limit(fake_gemini):
    model = model_for("gemini", fake_gemini.base_url)
    model.invoke(MESSAGES)
    assert fake_gemini.requests[0].body["generationConfig"]["maxOutputTokens"] == 123


@pytest.mark.parametrize("lean", [True, False], ids=["sdk-stream", "langchain-stream"])
def test_a_stream_cut_at_the_token_limit_raises_after_its_pieces(fake_openai, lean):
    fake_openai.script(Script(content=TEXT, chunk_size=5, finish_reason="length"))
    model = model_for("openai", fake_openai.base_url)
    if not lean:
        model = model.bind(stop=None)  # not a plain ChatOpenAI: streams through LangChain
    pieces = []
    with pytest.raises(OutputTokenLimitReached):
        for piece in stream_text(model, MESSAGES):
            pieces.append(piece.text)
    assert "".join(pieces) == TEXT


def test_an_invoked_reply_cut_at_the_token_limit_is_reported(fake_openai):
    fake_openai.script(Script(content=TEXT, finish_reason="length"), TEXT)
    model = model_for("openai", fake_openai.base_url)
    with pytest.raises(OutputTokenLimitReached):
        check_reply_complete(model.invoke(MESSAGES))
    check_reply_complete(model.invoke(MESSAGES))  # a reply that ended by itself passes


def test_the_offline_model_stops_at_its_output_limit():
    model = model_for("offline", LLM_MAX_OUTPUT_TOKENS=5)
    pieces = []
    with pytest.raises(OutputTokenLimitReached):
        for piece in stream_text(model, MESSAGES):
            pieces.append(piece.text)
    assert len([p for p in pieces if p]) == 5
    reply = model.invoke(MESSAGES)
    assert reply.response_metadata["finish_reason"] == "length"
    assert reply.content == "".join(pieces)


def test_a_gemini_stream_cut_at_the_token_limit_raises_after_its_pieces(fake_gemini):
    fake_gemini.script(Script(content=TEXT, chunk_size=5, finish_reason="length"))
    model = model_for("gemini", fake_gemini.base_url)
    pieces = []
    with pytest.raises(OutputTokenLimitReached):
        for piece in stream_text(model, MESSAGES):
            pieces.append(piece.text)
    assert "".join(pieces) == TEXT
