"""The real LangChain provider clients, built by the factory, against scripted fake servers."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk

from backend.app.config import Settings
from backend.app.llm.factory import create_chat_model
from tests.fakes.gemini_server import FakeGeminiServer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.scripts import Script

pytestmark = pytest.mark.timeout(30)

CONTENT = "Fractions split a whole into equal parts; 3/4 means three of four parts."
SPLIT = [5, 1, 12, 3, 20]
PROMPT = "Explain fractions briefly"


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"LLM_MAX_RETRIES": 2, "LLM_TIMEOUT_SECONDS": 5, **overrides}
    return Settings(_env_file=None, APP_ENV="testing", DATA_DIR=tmp_path, **values)


def _openai_model(tmp_path: Path, server: FakeOpenAIServer, **overrides: Any) -> Any:
    settings = _settings(
        tmp_path,
        LLM_PROVIDER="openai",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=server.base_url,
        **overrides,
    )
    return create_chat_model(settings)


def _gemini_model(tmp_path: Path, server: FakeGeminiServer, **overrides: Any) -> Any:
    settings = _settings(
        tmp_path,
        LLM_PROVIDER="gemini",
        GOOGLE_API_KEY="test-key",
        GEMINI_BASE_URL=server.base_url,
        **overrides,
    )
    return create_chat_model(settings)


def _texts(chunks: list[AIMessageChunk]) -> list[str]:
    return [c.content for c in chunks if isinstance(c.content, str) and c.content]


# OpenAI


def test_openai_stream_yields_the_scripted_chunks_and_usage(tmp_path, fake_openai):
    fake_openai.script(Script(content=CONTENT, chunk_size=SPLIT))
    expected = Script(content=CONTENT, chunk_size=SPLIT).chunks()

    chunks = list(_openai_model(tmp_path, fake_openai).stream(PROMPT))

    assert _texts(chunks) == expected
    assert "".join(_texts(chunks)) == CONTENT
    merged = functools.reduce(lambda a, b: a + b, chunks)
    assert merged.usage_metadata is not None
    assert merged.usage_metadata["output_tokens"] == len(expected)
    assert merged.usage_metadata["input_tokens"] == len(PROMPT.split())
    (record,) = fake_openai.wait_for_finished(1)
    assert record.stream and record.completed and record.outcome == "completed"
    assert record.body["stream_options"] == {"include_usage": True}
    assert record.messages == [{"role": "user", "content": PROMPT}]
    assert record.chunk_texts == expected


def test_openai_invoke_returns_the_scripted_content(tmp_path, fake_openai):
    fake_openai.script(CONTENT)

    message = _openai_model(tmp_path, fake_openai).invoke(PROMPT)

    assert message.content == CONTENT
    (record,) = fake_openai.requests
    assert not record.stream and record.model == "gpt-4o-mini"


def test_openai_500_raises_after_bounded_retries(tmp_path, fake_openai):
    # retry-after-ms makes the client wait 10 ms instead of its 0.5-8 s backoff.
    fake_openai.script_many([Script.error(500, retry_after_ms=10)] * 3 + [CONTENT])

    with pytest.raises(Exception, match="500"):
        _openai_model(tmp_path, fake_openai, LLM_MAX_RETRIES=2).invoke(PROMPT)

    records = fake_openai.wait_for_finished(3)
    assert [r.status for r in records] == [500, 500, 500]
    assert fake_openai.pending == 1  # the success after the retry budget was never asked for


def test_openai_500_retries_with_the_client_backoff(tmp_path, fake_openai):
    # No retry-after header: one real backoff (about 0.4-0.5 s) between the two attempts.
    fake_openai.script(500, 500)

    with pytest.raises(Exception, match="500"):
        _openai_model(tmp_path, fake_openai, LLM_MAX_RETRIES=1).invoke(PROMPT)

    first, second = fake_openai.wait_for_finished(2)
    assert second.received_at - first.received_at >= 0.3


def test_openai_stream_dropped_midway_raises_after_the_sent_chunks(tmp_path, fake_openai):
    script = Script(content=CONTENT, chunk_size=SPLIT, drop_after=2)
    fake_openai.script(script)
    received: list[str] = []

    # The caller gets an error, never a silent truncated success.
    with pytest.raises(Exception, match=r"(?i)connection"):
        for chunk in _openai_model(tmp_path, fake_openai).stream(PROMPT):
            received.extend(_texts([chunk]))

    assert received == script.chunks()[:2]
    (record,) = fake_openai.wait_for_finished(1)
    assert record.outcome == "dropped" and not record.completed


def test_openai_hanging_server_times_out_and_the_fake_sees_the_client_leave(tmp_path, fake_openai):
    fake_openai.script(Script(hang=True))
    model = _openai_model(tmp_path, fake_openai, LLM_TIMEOUT_SECONDS=1, LLM_MAX_RETRIES=0)
    started = time.monotonic()

    with pytest.raises(Exception, match=r"(?i)timed? ?out"):
        list(model.stream(PROMPT))

    assert 0.9 <= time.monotonic() - started < 4
    fake_openai.wait_until(lambda: fake_openai.requests[0].finished, 5, "hang to end")
    (record,) = fake_openai.requests
    assert record.client_gone and record.outcome == "hung"
    assert len(fake_openai.requests) == 1  # max_retries=0: no second attempt


def test_openai_closing_the_stream_early_is_seen_by_the_fake(tmp_path, fake_openai):
    # Paced chunks, so the answer is still being written when the client leaves.
    fake_openai.script(Script(content=CONTENT, chunk_size=4, chunk_delay=0.05))
    stream = _openai_model(tmp_path, fake_openai).stream(PROMPT)
    received: list[str] = []
    for chunk in stream:
        received.extend(_texts([chunk]))
        if len(received) == 2:
            break
    stream.close()

    fake_openai.wait_until(lambda: fake_openai.requests[0].finished, 5, "early close")
    (record,) = fake_openai.requests
    assert record.client_gone and not record.completed
    assert record.outcome == "client_gone"
    assert record.chunk_texts[:2] == received
    assert len(record.chunks) < len(Script(content=CONTENT, chunk_size=4).chunks())


# Gemini


# A fresh interpreter: the SDK caches its platform headers for the life of the process.
NO_FORK_AFTER_BUILD = """
import subprocess
from backend.app.config import Settings
from backend.app.llm.factory import create_chat_model
model = create_chat_model(Settings(_env_file=None, APP_ENV="testing", LLM_PROVIDER="openai",
                                   OPENAI_API_KEY="k", OPENAI_BASE_URL="http://127.0.0.1:9/v1"))
started = []
def record(self, args, *rest, **kwargs):  # the SDK would swallow an error raised here
    started.append(args)
    raise OSError("no subprocess here")
subprocess.Popen.__init__ = record
model.root_client.default_headers  # what every request sends
print(started or "ok")
"""


def test_the_openai_model_runs_no_subprocess_once_built():
    # The SDK's first request reads the platform (Python runs `uname -p`): under gevent a
    # fork of the whole worker. The factory has it done at start-up instead.
    finished = subprocess.run(
        [sys.executable, "-c", NO_FORK_AFTER_BUILD],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert finished.returncode == 0 and finished.stdout.strip() == "ok", finished.stderr


def test_gemini_stream_yields_the_scripted_chunks(tmp_path, fake_gemini):
    fake_gemini.script(Script(content=CONTENT, chunk_size=SPLIT))
    expected = Script(content=CONTENT, chunk_size=SPLIT).chunks()

    chunks = list(_gemini_model(tmp_path, fake_gemini).stream(PROMPT))

    assert _texts(chunks) == expected
    assert "".join(_texts(chunks)) == CONTENT
    (record,) = fake_gemini.wait_for_finished(1)
    assert record.stream and record.completed and record.model == "gemini-2.5-flash"
    assert record.path.endswith(":streamGenerateContent?alt=sse")
    assert record.headers.get("x-goog-api-key") == "test-key"
    assert record.messages == [{"role": "user", "parts": [{"text": PROMPT}]}]


def test_gemini_invoke_returns_the_scripted_content(tmp_path, fake_gemini):
    fake_gemini.script(CONTENT)

    message = _gemini_model(tmp_path, fake_gemini).invoke(PROMPT)

    assert message.content == CONTENT
    (record,) = fake_gemini.requests
    assert not record.stream and record.path.endswith(":generateContent")


def test_gemini_500_raises(tmp_path, fake_gemini):
    # LLM_MAX_RETRIES=0 keeps this fast: google-genai waits 1-2 s before any retry.
    fake_gemini.script(500, CONTENT)

    with pytest.raises(Exception, match="500"):
        _gemini_model(tmp_path, fake_gemini, LLM_MAX_RETRIES=0).invoke(PROMPT)

    (record,) = fake_gemini.wait_for_finished(1)
    assert record.status == 500 and fake_gemini.pending == 1
