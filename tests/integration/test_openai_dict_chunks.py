"""Dict chunks (backend.app.llm.openai_chunks) give LangChain exactly what typed chunks give."""

import openai
import pytest
from langchain_openai import ChatOpenAI

from backend.app.llm.openai_chunks import DictChunksOpenAI, use_dict_chunks
from backend.app.llm.sse_lines import LineFeedSSEDecoder
from tests.fakes.scripts import Script

TEXT = '변수는 값을 담는 이름표예요. {"a": [1, 2]} \\n 끝.'


def _model(fake, lean: bool) -> ChatOpenAI:
    model = ChatOpenAI(
        model="gpt-test", api_key="k", base_url=fake.base_url, stream_usage=True, max_retries=0
    )
    return use_dict_chunks(model) if lean else model


def _summary(chunks):
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    return {
        "contents": [c.content for c in chunks],
        "text": merged.content,
        "usage": merged.usage_metadata,
        "finish_reason": merged.response_metadata.get("finish_reason"),
        "model_name": merged.response_metadata.get("model_name"),
    }


def test_streamed_chunks_are_identical_with_and_without_dict_chunks(fake_openai):
    results = []
    for lean in (False, True):
        fake_openai.script(Script(content=TEXT, chunk_size=3))
        results.append(_summary(list(_model(fake_openai, lean).stream("안녕"))))
    stock, lean = results
    assert lean == stock
    assert lean["text"] == TEXT and lean["usage"]["output_tokens"] > 0


def test_the_switch_reaches_the_bound_completions_resource(fake_openai):
    model = _model(fake_openai, lean=True)
    assert type(model.root_client) is DictChunksOpenAI
    assert model.client._client is model.root_client
    assert isinstance(model.root_client._make_sse_decoder(), LineFeedSSEDecoder)


def test_invoke_and_errors_behave_as_before(fake_openai):
    model = _model(fake_openai, lean=True)
    fake_openai.script(TEXT, Script.error(500))
    assert model.invoke("안녕").content == TEXT
    with pytest.raises(openai.InternalServerError):
        list(model.stream("안녕"))
