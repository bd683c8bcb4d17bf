"""Streamed answers (DESIGN 4.2.2) on a live four-worker gunicorn with the fake OpenAI model."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid

import httpx
import pytest

from tests.fakes.scripts import Script
from tests.support.lessons import LESSON
from tests.support.live_server import live_server_on_fake, new_user, openai_fake_env
from tests.support.live_turns import ANSWER, QUESTION, answer_text, ask, qna_stream_url
from tests.support.sse_client import read_events

pytestmark = pytest.mark.live

SLOW = {"chunk_size": 2, "chunk_delay": 0.05}  # about 60 chunks over 3 s


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """Four gevent workers sharing the module's fake model."""
    with live_server_on_fake(
        fake_openai_module, tmp_path_factory.mktemp("qna-stream-live")
    ) as live:
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    """The module's fake; an unscripted request gets a whole lesson (session/start)."""
    fake_openai_shared.set_default(Script(content=json.dumps(LESSON, ensure_ascii=False)))
    return fake_openai_shared


def conversation(base: str, headers: dict, session_id: str) -> list[dict]:
    view = httpx.get(f"{base}/api/v1/learning/session/{session_id}", headers=headers).json()
    return view["data"]["conversation"]


def test_tokens_in_order_make_the_answer_and_the_conversation_keeps_the_pair(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    ticket, session_id = ask(base, headers, fake, Script(content=ANSWER, chunk_size=3))
    items = read_events(qna_stream_url(base, ticket), headers)
    assert items.status_code == 200
    events = items.events
    assert [item.id for item in events] == list(range(1, len(events) + 1))
    assert events[0].data == {"type": "stream_start", "temp_session_id": ticket}
    complete = events[-1].data
    assert complete["type"] == "stream_complete"
    assert answer_text(items) == complete["answer"] == ANSWER
    # Pieces that reach the server in one loop turn go out as one event: never more events
    # than chunks.
    assert 1 <= len([item for item in events if item.type == "qna_token"]) <= -(-len(ANSWER) // 3)
    assert complete["sources"] and complete["elapsed_ms"] >= 0
    intent_call, answer_call = fake.requests[-2:]
    assert "json_schema" in json.dumps(intent_call.body.get("response_format", {}))
    assert answer_call.stream and QUESTION in json.dumps(answer_call.messages, ensure_ascii=False)
    pair = conversation(base, headers, session_id)[-2:]
    assert [(e["role"], e["message"]) for e in pair] == [("user", QUESTION), ("assistant", ANSWER)]


def test_resume_with_last_event_id_repeats_no_token(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    ticket, _ = ask(base, headers, fake, Script(content=ANSWER, **SLOW))
    first = read_events(qna_stream_url(base, ticket), {"Connection": "close"}, stop_after=6)
    last_id = first.events[-1].id
    rest = read_events(
        qna_stream_url(base, ticket), {"Last-Event-ID": str(last_id), "Connection": "close"}
    )
    assert [item.id for item in rest.events] == list(
        range(last_id + 1, last_id + 1 + len(rest.events))
    )
    assert answer_text(first) + answer_text(rest) == ANSWER == rest.events[-1].data["answer"]


def test_cancel_closes_the_upstream_request(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    ticket, session_id = ask(base, headers, fake, Script(content=ANSWER, **SLOW))
    first = read_events(qna_stream_url(base, ticket), {"Connection": "close"}, stop_after=4)
    record = fake.requests[-1]
    cancelled_at = time.monotonic()
    response = httpx.post(f"{qna_stream_url(base, ticket)}/cancel", headers=headers)
    assert response.status_code == 202
    fake.wait_until(lambda: record.finished, timeout=10, what="upstream closed")
    assert record.client_gone and record.client_gone_at - cancelled_at < 3.0
    assert len(record.chunks) < len(Script(content=ANSWER, **SLOW).chunks())
    rest = read_events(qna_stream_url(base, ticket), {"Last-Event-ID": str(first.events[-1].id)})
    assert rest.events[-1].data["code"] == "CANCELLED"
    assert "멈췄" in conversation(base, headers, session_id)[-1]["message"]


def test_another_users_ticket_is_refused(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    ticket, _ = ask(base, headers, fake, Script(content=ANSWER, chunk_size=3))
    refused = read_events(qna_stream_url(base, ticket), new_user(base))
    assert len(refused) == 1 and refused[0].id is None
    assert refused[0].data["type"] == "stream_error"
    assert refused[0].data["code"] == "INVALID_SESSION"
    assert answer_text(read_events(qna_stream_url(base, ticket), headers)) == ANSWER


def test_an_answer_whose_worker_died_is_continued_from_its_delivered_text(
    live_server_factory, fake_openai
):
    fake_openai.set_default(Script(content=json.dumps(LESSON, ensure_ascii=False)))
    live = live_server_factory(
        workers=2,
        env={
            **openai_fake_env(fake_openai),
            "STREAM_RUN_LEASE_SECONDS": "1",
            "SSE_HEARTBEAT_SECONDS": "0.5",
        },
    )
    base, headers = live.base_url, new_user(live.base_url)
    ticket, session_id = ask(
        base, headers, fake_openai, Script(content=ANSWER, chunk_size=2, chunk_delay=0.1)
    )
    rest_of_answer = "그래서 벡터 공간에서 가까운 것끼리 묶을 수 있어요."
    fake_openai.script(Script(content=rest_of_answer, chunk_size=4))
    request_id = f"doomed-{uuid.uuid4().hex}"
    first = read_events(qna_stream_url(base, ticket), {"X-Request-ID": request_id}, stop_after=4)
    line = re.compile(rf"\[(\d+)\] backend\.app\.requests: request_id={request_id} ")
    deadline = time.monotonic() + 5
    while not (match := line.search(live.log())):
        assert time.monotonic() < deadline, "no log line for the stream request"
        time.sleep(0.05)
    os.kill(int(match.group(1)), signal.SIGKILL)

    last_id = first.events[-1].id
    rest = read_events(
        qna_stream_url(base, ticket), {"Last-Event-ID": str(last_id), "Connection": "close"}
    )

    ids = [item.id for item in first.events + rest.events]
    assert ids == list(range(1, len(ids) + 1))  # no duplicate, no gap
    complete = rest.events[-1].data
    assert complete["type"] == "stream_complete" and complete["taken_over"] is True, complete
    answer = answer_text(first) + answer_text(rest)
    assert answer == complete["answer"] and answer.endswith(rest_of_answer)
    delivered = answer[: -len(rest_of_answer)]
    assert delivered and ANSWER.startswith(delivered)
    # The continuation call was given the delivered text and asked to go on from it.
    continuation = fake_openai.requests[-1]
    sent = json.dumps(continuation.messages, ensure_ascii=False)
    assert continuation.stream and delivered in sent and "Continue it exactly" in sent
    deadline = time.monotonic() + 10
    while conversation(base, headers, session_id)[-1]["message"] != answer:
        assert time.monotonic() < deadline, conversation(base, headers, session_id)[-1]
        time.sleep(0.1)
