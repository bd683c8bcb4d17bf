"""The run deadline (LLM_RUN_DEADLINE_SECONDS) on a live gevent gunicorn with the fake model:
lessons, answers and problems that pass it end with GENERATION_FAILED naming it, and their
upstream model requests are closed.
"""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.scripts import Script
from tests.support.live_server import live_server_on_fake, new_user
from tests.support.live_turns import (
    ANSWER,
    LESSON_JSON,
    answer_text,
    ask,
    qna_stream_url,
    start_lesson,
    theory_stream_url,
)
from tests.support.problem_scripts import (
    GENERATE,
    GRID_REQUEST,
    generation_scripts,
    read_ndjson,
    token_text,
)
from tests.support.sse_client import read_events

pytestmark = pytest.mark.live


DEADLINE = 2.0


@pytest.fixture
def fake(fake_openai_shared):
    fake_openai_shared.set_default(Script(content=LESSON_JSON, chunk_size=50))
    return fake_openai_shared


@pytest.fixture(scope="module")
def deadline_server(fake_openai_module, tmp_path_factory):
    """One gevent worker whose runs have a 2 s deadline (model calls would wait 8 s)."""
    with live_server_on_fake(
        fake_openai_module,
        tmp_path_factory.mktemp("run-deadline-live"),
        workers=1,
        LLM_RUN_DEADLINE_SECONDS=str(DEADLINE),
        LLM_TIMEOUT_SECONDS="8",
    ) as live:
        yield live


def assert_names_the_deadline(error: dict) -> None:
    assert error["code"] == "GENERATION_FAILED" and "deadline" in error["message"], error


def test_a_lesson_past_its_deadline_ends_with_generation_failed(deadline_server, fake):
    base, headers = deadline_server.base_url, new_user(deadline_server.base_url)
    fake.script(Script(content=LESSON_JSON, chunk_size=5, chunk_delay=0.1))  # about 10 s
    ticket, _ = start_lesson(base, headers)
    items = read_events(theory_stream_url(base, ticket), headers)
    assert_names_the_deadline(items.events[-1].data)
    lesson_call = fake.requests[-1]
    fake.wait_until(lambda: lesson_call.finished, timeout=10, what="the upstream closed")
    assert lesson_call.stream and lesson_call.client_gone  # and no fallback call after it


def test_an_answer_past_its_deadline_ends_with_generation_failed(deadline_server, fake):
    base, headers = deadline_server.base_url, new_user(deadline_server.base_url)
    ticket, _ = ask(base, headers, fake, Script(content=ANSWER, chunk_size=3, hang_after=5))
    items = read_events(qna_stream_url(base, ticket), headers)
    assert answer_text(items) == ANSWER[:15]
    assert_names_the_deadline(items.events[-1].data)
    answer_call = fake.requests[-1]
    fake.wait_until(lambda: answer_call.finished, timeout=10, what="the upstream closed")
    assert answer_call.client_gone


def test_a_problem_past_its_deadline_ends_with_one_error_line(deadline_server, fake):
    base, headers = deadline_server.base_url, new_user(deadline_server.base_url)
    scripts = generation_scripts()
    fake.script(*scripts[:2], Script(content=scripts[2].content, chunk_size=7, hang_after=3))
    response = httpx.post(f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30)
    lines = read_ndjson(response.text)
    assert token_text(lines) == scripts[2].content[:21]
    assert [ln["type"] for ln in lines].count("error") == 1
    assert_names_the_deadline(lines[-1]["payload"])
    description_call = fake.requests[-1]
    fake.wait_until(lambda: description_call.finished, timeout=10, what="the upstream closed")
    assert description_call.client_gone
