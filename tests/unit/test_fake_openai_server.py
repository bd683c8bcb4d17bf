"""The scripted OpenAI fake itself: splitting, wire format, queueing, concurrency, shutdown."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.scripts import Script, split_content

pytestmark = pytest.mark.timeout(30)


def _body(stream: bool = True, usage: bool = True) -> dict:
    body: dict = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi you"}]}
    if stream:
        body["stream"] = True
        if usage:
            body["stream_options"] = {"include_usage": True}
    return body


def _events(server: FakeOpenAIServer, body: dict) -> list:
    with httpx.stream("POST", f"{server.base_url}/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    return [line[6:] if line == "data: [DONE]" else json.loads(line[6:]) for line in lines]


def test_split_content_fixed_explicit_and_seeded_random():
    assert split_content("abcdefg", 3) == ["abc", "def", "g"]
    assert split_content("abcdefg", [1, 2]) == ["a", "bc", "defg"]
    assert split_content("abc", [2, 5, 5]) == ["ab", "c"]
    assert split_content("", 3) == []
    first = split_content("x" * 100, "random", (2, 5), seed=7)
    assert first == split_content("x" * 100, "random", (2, 5), seed=7)
    assert "".join(first) == "x" * 100
    assert all(2 <= len(piece) <= 5 for piece in first[:-1])


def test_stream_wire_format_with_usage(fake_openai):
    fake_openai.script(Script(content="Hello there", chunk_size=[5, 6]))

    events = _events(fake_openai, _body())

    assert events[-1] == "[DONE]"
    first, *content, finish, usage, _ = events
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["delta"]["content"] for c in content] == ["Hello", " there"]
    assert finish["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert usage["choices"] == []
    assert usage["usage"] == {"prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4}
    assert all(e["usage"] is None for e in [first, *content, finish])


def test_fifo_then_default_and_records(fake_openai):
    fake_openai.script("one", Script.error(503))
    fake_openai.set_default("fallback")

    answers = []
    for _ in range(3):
        response = httpx.post(f"{fake_openai.base_url}/chat/completions", json=_body(False))
        answers.append((response.status_code, response.json()))

    assert answers[0][1]["choices"][0]["message"]["content"] == "one"
    assert answers[1][0] == 503 and answers[1][1]["error"]["type"] == "server_error"
    assert answers[2][1]["choices"][0]["message"]["content"] == "fallback"
    records = fake_openai.wait_for_finished(3)
    assert [r.script_index for r in records] == [0, 1, None]
    assert [r.outcome for r in records] == ["completed", "error", "completed"]
    assert records[0].messages == [{"role": "user", "content": "hi you"}]


def test_requests_are_served_concurrently(fake_openai):
    fake_openai.set_default(Script(content="slow", first_token_delay=1.0))

    def call() -> None:
        httpx.post(f"{fake_openai.base_url}/chat/completions", json=_body(False))

    threads = [threading.Thread(target=call) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert time.monotonic() - started < 3  # four 1 s answers side by side, not 4 s in a row
    assert len(fake_openai.wait_for_finished(4)) == 4


def test_stop_ends_a_hanging_request_promptly():
    server = FakeOpenAIServer(Script(hang=True)).start()
    errors: list[Exception] = []

    def call() -> None:
        try:
            httpx.post(f"{server.base_url}/chat/completions", json=_body(False), timeout=10)
        except httpx.HTTPError as error:
            errors.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    server.wait_for_requests(1)
    started = time.monotonic()
    server.stop()
    thread.join(5)

    assert time.monotonic() - started < 3
    assert not thread.is_alive() and errors
    assert server.requests[0].finished and server.requests[0].outcome == "hung"


def test_models_list_and_wait_timeout(fake_openai):
    models = httpx.get(f"{fake_openai.base_url}/models").json()
    assert models["object"] == "list" and models["data"][0]["id"] == "gpt-4o-mini"
    with pytest.raises(TimeoutError):
        fake_openai.wait_for_requests(1, timeout=0.1)
