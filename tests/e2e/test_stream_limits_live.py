"""Stream limits on a live gevent gunicorn with the fake model: clients that stop reading,
run slots during slow stages, the output token limit and long answers (issue 14, 7-8).
"""

from __future__ import annotations

import json
import re
import socket
import time
from urllib.parse import urlsplit

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

SEND_TIMEOUT = 1.0
# More than the kernel buffers hold (about 2 MB of a loopback server's send buffer and
# the client's receive buffer): a client that reads nothing blocks the server's writes.
BIG_TEXT = "가나다라마바사아자차" * 200_000  # 6 MB of UTF-8


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """One gevent worker; a short send timeout, short leases and one run per user."""
    with live_server_on_fake(
        fake_openai_module,
        tmp_path_factory.mktemp("stream-limits-live"),
        workers=1,
        STREAM_SEND_TIMEOUT_SECONDS=str(SEND_TIMEOUT),
        STREAM_RUN_LEASE_SECONDS="1",  # a problem's run slot lease: 2 s
        MAX_CONCURRENT_RUNS_PER_USER="1",
    ) as live:
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    fake_openai_shared.set_default(Script(content=LESSON_JSON, chunk_size=50))
    return fake_openai_shared


# --- a client that stops reading ------------------------------------------------------


def send_and_read_nothing(base: str, method: str, path: str, headers: dict, body=None):
    """Send a request from a socket with a small receive buffer, then read nothing."""
    parts = urlsplit(base)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: small window
    sock.connect((parts.hostname, parts.port))
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    return sock


def drain(sock: socket.socket, timeout: float = 20.0) -> tuple[bytes, bool]:
    """Everything the server had sent, and whether it had closed the connection."""
    sock.settimeout(timeout)
    received = []
    try:
        while chunk := sock.recv(1 << 20):
            received.append(chunk)
        return b"".join(received), True
    except ConnectionResetError:
        return b"".join(received), True
    except TimeoutError:
        return b"".join(received), False
    finally:
        sock.close()


def test_an_answer_client_that_stops_reading_is_dropped_and_the_run_goes_on(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    ticket, _ = ask(base, headers, fake, Script(content=BIG_TEXT, chunk_size=20_000))
    before = len(fake.requests)
    sock = send_and_read_nothing(base, "GET", urlsplit(qna_stream_url(base, ticket)).path, {})
    answer_call = fake.wait_for_requests(before + 1)[before]
    fake.wait_until(lambda: answer_call.finished, timeout=30, what="the answer written")
    time.sleep(SEND_TIMEOUT * 3)  # the server's write has waited longer than its timeout
    body, closed = drain(sock)
    assert closed, "the server kept a client that reads nothing"
    assert b"stream_start" in body and b"stream_complete" not in body
    log = server.log()  # one plain line, not an error with a traceback
    assert "Dropped a client that stopped reading" in log and "Socket error" not in log
    # The run was not tied to the dropped connection: it ended whole.
    rest = read_events(qna_stream_url(base, ticket), {"Last-Event-ID": "0"}, timeout=60)
    assert rest.events[-1].data["type"] == "stream_complete"
    assert answer_text(rest) == rest.events[-1].data["answer"] == BIG_TEXT


def test_a_problem_client_that_stops_reading_is_dropped_with_its_upstream_and_slot(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    description = Script(content=BIG_TEXT, chunk_size=6_000, chunk_delay=0.03)  # 10 s
    fake.script(*generation_scripts(description))
    sock = send_and_read_nothing(base, "POST", GENERATE, headers, GRID_REQUEST)
    record = fake.wait_for_requests(3, timeout=30)[2]
    fake.wait_until(lambda: record.finished, timeout=30, what="the description's upstream ended")
    assert record.client_gone and len(record.chunks) < len(description.chunks())
    body, closed = drain(sock)
    assert closed and b'"result"' not in body
    # The run slot is free again: the same user (one run at a time) may start another.
    fake.script(*generation_scripts())
    again = httpx.post(f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30)
    assert again.status_code == 200, again.text
    assert read_ndjson(again.text)[-1]["type"] == "result"


# --- run slots ------------------------------------------------------------------------


def test_a_problem_stage_slower_than_the_slot_lease_keeps_its_slot(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    scripts = generation_scripts()
    slow_analysis = Script(content=scripts[0], first_token_delay=5.0)  # 2.5 slot leases
    fake.script(slow_analysis, *scripts[1:])
    with httpx.stream(
        "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30
    ) as first:
        assert first.status_code == 200
        fake.wait_for_requests(1)
        time.sleep(3.5)  # past the slot's lease, still in the analysis stage
        second = httpx.post(f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30)
        assert second.status_code == 429, second.text
        assert second.json()["error"]["code"] == "RATE_LIMITED"
        lines = read_ndjson("\n".join(first.iter_lines()))
    assert lines[-1]["type"] == "result"


# --- the output token limit -----------------------------------------------------------


def test_a_lesson_cut_at_the_token_limit_keeps_its_blocks_and_drops_the_open_one(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    third_block = [m.start() for m in re.finditer(r'\{"block_type"', LESSON_JSON)][2]
    cut = Script(content=LESSON_JSON[: third_block + 40], chunk_size=20, finish_reason="length")
    fake.script(cut)
    ticket, _ = start_lesson(base, headers)
    items = read_events(theory_stream_url(base, ticket), headers)
    events = [item.data for item in items.events]
    assert [e["block_id"] for e in events if e["type"] == "theory_block"] == [1, 2]
    assert events[-1]["type"] == "stream_error" and events[-1]["code"] == "GENERATION_FAILED"
    assert "token limit" in events[-1]["message"]
    lesson_calls = [record for record in fake.requests if record.stream]
    assert len(lesson_calls) == 1 and lesson_calls[0] is fake.requests[-1]  # no fallback call
    assert lesson_calls[0].body["max_completion_tokens"] == 4096


def test_an_answer_cut_at_the_token_limit_ends_with_generation_failed(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    cut = Script(content=ANSWER[:40], chunk_size=3, finish_reason="length")
    ticket, _ = ask(base, headers, fake, cut)
    items = read_events(qna_stream_url(base, ticket), headers)
    assert answer_text(items) == ANSWER[:40]
    terminal = items.events[-1].data
    assert terminal["code"] == "GENERATION_FAILED" and "token limit" in terminal["message"]


def test_a_problem_cut_at_the_token_limit_ends_with_one_error_line(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    scripts = generation_scripts()
    description = Script(content=scripts[2].content[:120], chunk_size=7, finish_reason="length")
    fake.script(*scripts[:2], description)
    response = httpx.post(f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30)
    lines = read_ndjson(response.text)
    assert token_text(lines) == description.content
    assert [ln["type"] for ln in lines].count("error") == 1 and lines[-1]["type"] == "error"
    assert "token limit" in lines[-1]["payload"]["message"]


def test_a_planning_reply_cut_at_the_token_limit_is_not_retried(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    analysis = generation_scripts()[0]
    fake.script(Script(content=analysis[:20], finish_reason="length"), analysis)
    before = len(fake.requests)
    response = httpx.post(f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=30)
    lines = read_ndjson(response.text)
    assert lines[-1]["type"] == "error" and "token limit" in lines[-1]["payload"]["message"]
    assert len(fake.requests) == before + 1  # a second try would hit the same limit


# --- long answers ---------------------------------------------------------------------


def test_a_20000_token_answer_written_one_token_per_chunk_arrives_whole(server, fake):
    base, headers = server.base_url, new_user(server.base_url)
    words = [f"t{n % 10} " for n in range(20_000)]
    answer = Script(content="".join(words), chunk_size=[len(w) for w in words])
    ticket, _ = ask(base, headers, fake, answer)
    items = read_events(qna_stream_url(base, ticket), headers, timeout=120)
    complete = items.events[-1].data
    assert complete["type"] == "stream_complete", complete
    sent = fake.requests[-1]
    assert len(sent.chunks) == 20_000 and sent.text == "".join(words)
    assert answer_text(items) == complete["answer"] == sent.text
    assert len(items.events) < 5000  # the run log's cap (STREAM_RUN_MAX_EVENTS)
