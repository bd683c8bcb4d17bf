"""stream_text (backend.app.llm.text_stream) gives what `.stream()` gives, with less per chunk.

The lean path for ChatOpenAI reads the SDK stream itself, so these tests hold it to the
stock LangChain path over real HTTP against the fake: same request, same pieces, same
usage, same errors, and closing it closes the upstream response.
"""

import time

import gevent
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from backend.app.config import Settings
from backend.app.llm.factory import create_chat_model
from backend.app.llm.text_stream import _openai_pieces, stream_text
from tests.fakes.scripts import Script

TEXT = '변수는 값을 담는 이름표예요. {"a": [1, 2]} \\n 끝. ' * 3
MESSAGES = [SystemMessage("너는 튜터야."), HumanMessage("변수가 뭐야?")]


def _model(fake, **extra) -> ChatOpenAI:
    settings = Settings(
        LLM_PROVIDER="openai",
        OPENAI_API_KEY="k",
        OPENAI_BASE_URL=fake.base_url,
        LLM_MAX_RETRIES=0,
        **extra,
    )
    return create_chat_model(settings)


def _stock(model, messages) -> tuple[list[str], dict | None]:
    texts, merged = [], None
    for chunk in model.stream(messages):
        merged = chunk if merged is None else merged + chunk
        if chunk.content:
            texts.append(chunk.content)
    return texts, merged.usage_metadata


def _lean(model, messages) -> tuple[list[str], dict | None]:
    pieces = list(stream_text(model, messages))
    usages = [piece.usage for piece in pieces if piece.usage]
    assert len(usages) <= 1, "usage is reported once, on the last chunk"
    return [piece.text for piece in pieces if piece.text], (usages[0] if usages else None)


def test_the_lean_path_matches_langchain_stream_piece_for_piece(fake_openai):
    model = _model(fake_openai)
    fake_openai.script(Script(content=TEXT, chunk_size=3), Script(content=TEXT, chunk_size=3))
    stock_texts, stock_usage = _stock(model, MESSAGES)
    lean_texts, lean_usage = _lean(model, MESSAGES)

    assert lean_texts == stock_texts == fake_openai.requests[0].chunk_texts
    assert "".join(lean_texts) == TEXT
    assert lean_usage == stock_usage and lean_usage["output_tokens"] > 0
    stock_request, lean_request = fake_openai.requests
    assert lean_request.body == stock_request.body  # the model's own payload, usage included
    assert lean_request.body["stream_options"] == {"include_usage": True}


def test_random_chunking_and_unicode_survive(fake_openai):
    model = _model(fake_openai)
    fake_openai.script(Script(content=TEXT, chunk_size="random", chunk_range=(1, 5), seed=7))
    texts, _ = _lean(model, MESSAGES)
    assert "".join(texts) == TEXT


@pytest.mark.parametrize("status", [400, 429, 500])
def test_errors_are_the_ones_langchain_raises(fake_openai, status):
    model = _model(fake_openai)
    fake_openai.script(Script.error(status), Script.error(status))
    with pytest.raises(Exception) as stock:
        list(model.stream(MESSAGES))
    with pytest.raises(Exception) as lean:
        list(stream_text(model, MESSAGES))
    assert type(lean.value) is type(stock.value)


def test_a_cut_stream_raises_after_the_pieces_that_arrived(fake_openai):
    model = _model(fake_openai)
    fake_openai.script(Script(content=TEXT, chunk_size=4, drop_after=3))
    received = []
    with pytest.raises(Exception):  # noqa: B017 - httpx's error for a cut chunked body
        for piece in stream_text(model, MESSAGES):
            received.append(piece.text)
    assert "".join(received) == TEXT[:12]


def test_closing_the_iterator_closes_the_upstream_response(fake_openai):
    model = _model(fake_openai)
    fake_openai.script(Script(content=TEXT * 20, chunk_size=2, chunk_delay=0.01))
    pieces = stream_text(model, MESSAGES)
    assert next(pieces).text
    pieces.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not fake_openai.requests[0].client_gone:
        time.sleep(0.02)
    record = fake_openai.requests[0]
    assert record.client_gone and len(record.text) < len(TEXT * 20)


def test_other_models_stream_through_langchain(fake_openai):
    settings = Settings(LLM_PROVIDER="offline", OFFLINE_LLM_TOKENS_PER_SECOND=0)
    model = create_chat_model(settings)
    stock = "".join(chunk.content for chunk in model.stream(MESSAGES))
    lean = "".join(piece.text for piece in stream_text(model, MESSAGES))
    assert lean == stock and lean


def test_structured_or_responses_api_calls_keep_langchain_path(fake_openai):
    plain = _model(fake_openai)
    responses = ChatOpenAI(model="gpt-test", api_key="k", base_url=fake_openai.base_url)
    responses.use_responses_api = True
    structured = ChatOpenAI(
        model="gpt-test",
        api_key="k",
        base_url=fake_openai.base_url,
        model_kwargs={"response_format": {"type": "json_object"}},
    )
    assert _openai_pieces(plain, MESSAGES) is not None
    assert _openai_pieces(responses, MESSAGES) is None
    assert _openai_pieces(structured, MESSAGES) is None


def _json_mode(fake) -> ChatOpenAI:
    return ChatOpenAI(
        model="gpt-test",
        api_key="k",
        base_url=fake.base_url,
        max_retries=0,
        model_kwargs={"response_format": {"type": "json_object"}},
    )


@pytest.mark.parametrize("make_model", [_model, _json_mode], ids=["lean", "langchain"])
def test_the_tail_after_the_text_waits_for_an_idle_loop(fake_openai, make_model):
    # Everything is in the socket before the reader looks (a worker that fell behind):
    # the reader never blocks, so only the wait at the end of the text lets a greenlet
    # woken at the last piece (a subscriber showing it) run before the stream ends.
    fake_openai.script(Script(content=TEXT, chunk_size=4))
    order, received = [], ""
    for piece in stream_text(make_model(fake_openai), MESSAGES):
        if not received:
            time.sleep(0.3)  # not patched here: the whole answer arrives meanwhile
        received += piece.text
        if piece.text and received == TEXT:
            gevent.spawn(order.append, "last piece shown")
    order.append("stream ended")
    gevent.sleep(0)
    assert received == TEXT
    assert order == ["last piece shown", "stream ended"]
