"""Theory lesson streams (DESIGN 4.2) on a live multi-worker gunicorn, with the fake model.

Tickets, SSE framing, resume with Last-Event-ID, cancel across workers, fallbacks,
heartbeats and a producer whose worker dies: all over real HTTP.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import pytest

from tests.fakes.scripts import Script
from tests.support.lessons import LESSON
from tests.support.live_server import LiveServer, live_server_on_fake, new_user, openai_fake_env
from tests.support.live_turns import LESSON_JSON, START, start_lesson, theory_stream_url
from tests.support.sse_client import SSEItems, read_events

pytestmark = pytest.mark.live

NUMBERED = [{**block, "block_id": number} for number, block in enumerate(LESSON, start=1)]
TERMINAL_TYPES = ("stream_complete", "stream_error")
# Paced answers: 100 chunks of 5 characters, 0.1 s apart (about 10 s in all).
SLOW_CHUNK, SLOW_DELAY = 5, 0.1
SLOW_CHUNKS = -(-len(LESSON_JSON) // SLOW_CHUNK)


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """Four gevent workers sharing the module's fake model; heartbeats every 0.5 s."""
    data_dir = tmp_path_factory.mktemp("theory-stream-live")
    with live_server_on_fake(fake_openai_module, data_dir, SSE_HEARTBEAT_SECONDS="0.5") as live:
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    """The module's fake, reset; a fast whole lesson unless a test scripts otherwise."""
    fake_openai_shared.set_default(Script(content=LESSON_JSON, chunk_size=50))
    return fake_openai_shared


# --- helpers -------------------------------------------------------------------------


def session_view(base: str, headers: dict[str, str], session_id: str) -> dict:
    response = httpx.get(f"{base}/api/v1/learning/session/{session_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def view_after_run(base: str, headers: dict[str, str], session_id: str, timeout=15.0) -> dict:
    """The session view once its run is no longer active (polled, bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        view = session_view(base, headers, session_id)
        if view["active_run"] is None:
            return view
        assert time.monotonic() < deadline, f"the run still shows as active: {view}"
        time.sleep(0.1)


def data_events(items: SSEItems) -> list[dict]:
    return [item.data for item in items.events]


def blocks_of(events: list[dict]) -> list[dict]:
    """The theory_block events without their `type`."""
    return [
        {key: value for key, value in event.items() if key != "type"}
        for event in events
        if event["type"] == "theory_block"
    ]


def assert_well_formed(items: SSEItems, first_id: int = 1) -> None:
    """200 event stream; consecutive ids from `first_id`; exactly one terminal, the last."""
    assert items.status_code == 200, items.body
    assert items.headers["content-type"].startswith("text/event-stream")
    events = items.events
    assert events, "no event at all"
    assert [item.id for item in events] == list(range(first_id, first_id + len(events)))
    assert all(item.event is None for item in events)  # no `event:` line
    terminals = [item for item in events if item.type in TERMINAL_TYPES]
    assert len(terminals) == 1 and terminals[0] is events[-1], data_events(items)


def assert_full_lesson(items: SSEItems, ticket: str) -> dict:
    """A whole, well-formed stream of the scripted lesson; its stream_complete."""
    assert_well_formed(items)
    events = data_events(items)
    assert events[0] == {"type": "stream_start", "temp_session_id": ticket, "estimated_blocks": 4}
    assert [e["type"] for e in events[1:-1]] == ["theory_block"] * 4
    assert blocks_of(events) == NUMBERED
    return events[-1]


def assert_refusal(items: SSEItems, code: str) -> None:
    """A refused stream: 200 event stream with a single stream_error and no id line."""
    assert items.status_code == 200, items.body
    assert items.headers["content-type"].startswith("text/event-stream")
    events = items.events
    assert len(events) == 1, data_events(items)
    assert events[0].id is None
    assert events[0].data["type"] == "stream_error"
    assert events[0].data["code"] == code, events[0].data


def request_pid(server: LiveServer, request_id: str, timeout: float = 5.0) -> int:
    """The worker pid that logged the request sent with this X-Request-ID."""
    line = re.compile(rf"\[(\d+)\] backend\.app\.requests: request_id={re.escape(request_id)} ")
    deadline = time.monotonic() + timeout
    while True:
        match = line.search(server.log())
        if match:
            return int(match.group(1))
        assert time.monotonic() < deadline, f"no log line for request {request_id}"
        time.sleep(0.05)


def clients_on_two_workers(server: LiveServer) -> list[tuple[int, httpx.Client]]:
    """Two kept-alive connections that two different workers serve, with their pids."""
    found: dict[int, httpx.Client] = {}
    for _ in range(60):
        client = httpx.Client(
            base_url=server.base_url, limits=httpx.Limits(max_connections=1), timeout=30
        )
        request_id = f"pin-{uuid.uuid4().hex}"
        client.get("/healthz", headers={"X-Request-ID": request_id}).raise_for_status()
        pid = request_pid(server, request_id)
        if pid in found:
            client.close()
            continue
        found[pid] = client
        if len(found) == 2:
            return list(found.items())
    for client in found.values():
        client.close()
    raise AssertionError("new connections never reached a second worker")


def content_of(record) -> str:
    """Every text part of a recorded request's messages."""
    parts = []
    for message in record.messages:
        content = message.get("content")
        for part in content if isinstance(content, list) else [content]:
            parts.append(part.get("text", "") if isinstance(part, dict) else str(part))
    return "\n".join(parts)


# --- happy path ------------------------------------------------------------------------


def test_a_lesson_streams_in_order_and_is_saved(server, fake):
    base = server.base_url
    fake.script(Script(content=LESSON_JSON, chunk_size=40))
    headers = new_user(base)
    payload = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    response = httpx.post(f"{base}{START}", json=payload, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    ticket = data["workflow_response"]["temp_session_id"]
    assert isinstance(ticket, str) and len(ticket) >= 32
    assert data["workflow_response"] == {
        "current_agent": "learning_supervisor",
        "session_progress_stage": "theory_streaming",
        "ui_mode": "streaming",
        "streaming": True,
        "temp_session_id": ticket,
        "estimated_blocks": 4,
    }
    session_id = data["session_info"]["session_id"]

    items = read_events(theory_stream_url(base, ticket))

    complete = assert_full_lesson(items, ticket)
    assert complete["type"] == "stream_complete"
    assert complete["total_blocks"] == 4
    assert complete["fallback"] is False and complete["fallback_mode"] is None
    assert complete["skipped_blocks"] == 0
    assert isinstance(complete["elapsed_ms"], int) and complete["elapsed_ms"] >= 0
    assert "usage" in complete
    [record] = fake.requests
    assert record.stream and record.completed
    view = view_after_run(base, headers, session_id)
    assert view["theory_content"] == NUMBERED
    assert view["session_progress_stage"] == "theory_completed"
    assert view["active_run"] is None
    assert ticket not in json.dumps(view, ensure_ascii=False)


def test_fifty_lessons_each_on_new_connections(server, fake):
    base = server.base_url
    headers = {**new_user(base), "Connection": "close"}

    def one_lesson(_: int) -> None:
        ticket, _session = start_lesson(base, headers)
        items = read_events(theory_stream_url(base, ticket), {"Connection": "close"})
        complete = assert_full_lesson(items, ticket)
        assert complete["type"] == "stream_complete" and complete["fallback"] is False

    started = time.monotonic()
    with ThreadPoolExecutor(5) as pool:
        list(pool.map(one_lesson, range(50)))
    assert time.monotonic() - started < 60
    records = fake.requests
    assert len(records) == 50 and all(r.stream and r.completed for r in records)


def test_the_run_goes_on_and_is_saved_when_the_client_leaves(server, fake):
    base = server.base_url
    fake.script(Script(content=LESSON_JSON, chunk_size=10, chunk_delay=0.05))
    headers = new_user(base)
    ticket, session_id = start_lesson(base, headers)

    items = read_events(theory_stream_url(base, ticket), stop_after=1)
    assert data_events(items)[0]["type"] == "stream_start"

    [record] = fake.wait_for_requests(1, timeout=10)
    fake.wait_until(lambda: record.finished, timeout=15, what="the lesson request finished")
    assert record.completed and not record.client_gone
    view = view_after_run(base, headers, session_id)
    assert view["theory_content"] == NUMBERED
    assert view["session_progress_stage"] == "theory_completed"


# --- tickets ---------------------------------------------------------------------------


def test_two_parallel_gets_of_one_ticket_give_one_stream(server, fake):
    base = server.base_url
    ticket, _ = start_lesson(base, new_user(base))
    barrier = threading.Barrier(2)

    def get(_: int) -> SSEItems:
        barrier.wait(timeout=10)
        return read_events(theory_stream_url(base, ticket), {"Connection": "close"})

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(get, range(2)))

    full = [items for items in results if len(items.events) > 1]
    refused = [items for items in results if len(items.events) <= 1]
    assert len(full) == 1 and len(refused) == 1, [data_events(r) for r in results]
    assert_full_lesson(full[0], ticket)
    assert_refusal(refused[0], "INVALID_SESSION")
    # Claimed once and for all: a later GET without Last-Event-ID is refused too.
    assert_refusal(read_events(theory_stream_url(base, ticket)), "INVALID_SESSION")
    assert len(fake.requests) == 1


def test_another_users_ticket_and_a_random_id_are_refused(server, fake):
    base = server.base_url
    ticket, _ = start_lesson(base, new_user(base))
    stranger = new_user(base)

    assert_refusal(read_events(theory_stream_url(base, ticket), stranger), "INVALID_SESSION")
    random_ticket = secrets.token_urlsafe(32)
    assert_refusal(read_events(theory_stream_url(base, random_ticket)), "INVALID_SESSION")
    assert_refusal(read_events(theory_stream_url(base, random_ticket), stranger), "INVALID_SESSION")


def test_an_expired_ticket_is_refused(live_server_factory):
    live = live_server_factory(workers=1, env={"STREAM_TICKET_TTL_SECONDS": "1"})
    ticket, _ = start_lesson(live.base_url, new_user(live.base_url))
    time.sleep(1.5)
    assert_refusal(read_events(theory_stream_url(live.base_url, ticket)), "INVALID_SESSION")


def test_an_expired_access_token_is_refused(live_server_factory):
    # The expired token is made here with the server's key: waiting for a real one to
    # expire races with how long the lesson start takes on a busy machine.
    secret = secrets.token_urlsafe(48)
    live = live_server_factory(workers=1, env={"JWT_SECRET_KEY": secret})
    headers = new_user(live.base_url)
    ticket, _ = start_lesson(live.base_url, headers)
    me = httpx.get(f"{live.base_url}/api/v1/auth/me", headers=headers).json()["data"]["user"]
    now = int(time.time())
    claims = {"sub": me["id"], "type": "access", "fresh": False, "jti": uuid.uuid4().hex}
    claims.update(iat=now - 120, nbf=now - 120, exp=now - 60)
    expired = {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}
    assert_refusal(read_events(theory_stream_url(live.base_url, ticket), expired), "TOKEN_EXPIRED")
    # The owner's valid token still claims the ticket.
    assert read_events(theory_stream_url(live.base_url, ticket), headers).events[-1].type == (
        "stream_complete"
    )


# --- resume ----------------------------------------------------------------------------


def test_resume_with_last_event_id_mid_run_and_after_the_end(server, fake):
    base = server.base_url
    # 50 chunks 0.05 s apart: the second block closes near 0.85 s, the run ends near 2.5 s.
    fake.script(Script(content=LESSON_JSON, chunk_size=10, chunk_delay=0.05))
    headers = new_user(base)
    ticket, session_id = start_lesson(base, headers)
    url = theory_stream_url(base, ticket)

    first = read_events(url, {"Connection": "close"}, stop_after=3)
    assert [item.type for item in first.events] == ["stream_start", "theory_block", "theory_block"]
    last_id = first.events[-1].id
    [record] = fake.requests
    assert not record.finished, "the run ended before the client came back"
    assert session_view(base, headers, session_id)["active_run"] == {
        "temp_session_id": ticket,
        "kind": "theory",
    }

    second = read_events(url, {"Last-Event-ID": str(last_id), "Connection": "close"})
    assert_well_formed(second, first_id=last_id + 1)
    assert second.events[0].type == "theory_block"  # the rest arrived live or replayed
    delivered = first.events + second.events
    assert [item.id for item in delivered] == list(range(1, len(delivered) + 1))
    events = [item.data for item in delivered]
    assert events[0]["type"] == "stream_start"
    assert blocks_of(events) == NUMBERED
    assert events[-1]["type"] == "stream_complete" and events[-1]["total_blocks"] == 4

    # After the end: the log replays from any point, also to the owner's Authorization.
    replay = read_events(url, {"Last-Event-ID": "0", "Connection": "close"})
    assert_well_formed(replay)
    assert [(i.id, i.data) for i in replay.events] == [(i.id, i.data) for i in delivered]
    tail = read_events(url, {**headers, "Last-Event-ID": "2", "Connection": "close"})
    assert_well_formed(tail, first_id=3)
    assert [(i.id, i.data) for i in tail.events] == [(i.id, i.data) for i in delivered[2:]]

    for malformed in ("abc", "-1", "1.5", "2, 3", "x1"):
        items = read_events(url, {"Last-Event-ID": malformed})
        assert_refusal(items, "INVALID_SESSION")
    stranger = new_user(base)
    assert_refusal(read_events(url, {**stranger, "Last-Event-ID": "0"}), "INVALID_SESSION")
    assert len(fake.requests) == 1


# --- fallbacks -------------------------------------------------------------------------


def test_an_upstream_error_before_any_block_falls_back_to_a_sync_lesson(server, fake):
    base = server.base_url
    fake.script(Script.error(500), Script(content=LESSON_JSON))
    ticket, _ = start_lesson(base, new_user(base))

    items = read_events(theory_stream_url(base, ticket))

    complete = assert_full_lesson(items, ticket)
    assert complete["type"] == "stream_complete"
    assert complete["fallback"] is True and complete["fallback_mode"] == "sync"
    assert complete["total_blocks"] == 4 and complete["skipped_blocks"] == 0
    streamed, sync = fake.requests
    assert streamed.stream and streamed.status == 500
    assert not sync.stream and sync.completed


def test_a_stream_cut_after_two_blocks_continues_without_duplicates(server, fake):
    base = server.base_url
    # One chunk that closes the first two blocks, then the connection is cut.
    third_block_at = LESSON_JSON.index(json.dumps(LESSON[2], ensure_ascii=False))
    fake.script(
        Script(content=LESSON_JSON, chunk_size=[third_block_at], drop_after=1),
        # The continuation repeats the blocks already sent: they must not be sent again.
        Script(content=LESSON_JSON),
    )
    ticket, _ = start_lesson(base, new_user(base))

    items = read_events(theory_stream_url(base, ticket))

    complete = assert_full_lesson(items, ticket)
    assert complete["type"] == "stream_complete"
    assert complete["fallback"] is True and complete["fallback_mode"] == "continuation"
    assert complete["skipped_blocks"] == 0
    blocks = blocks_of(data_events(items))
    kinds = [(b["block_type"], b["data"].get("type")) for b in blocks]
    assert len(set(kinds)) == len(kinds)
    streamed, continuation = fake.requests
    assert streamed.outcome == "dropped" and streamed.text == LESSON_JSON[:third_block_at]
    assert "<blocks_already_sent>" in content_of(continuation)
    assert "<blocks_already_sent>" not in content_of(streamed)


def test_unusable_output_everywhere_ends_with_generation_failed(server, fake):
    base = server.base_url
    fake.set_default("죄송해요, 지금은 수업을 만들 수 없어요. {not json")
    headers = new_user(base)
    ticket, session_id = start_lesson(base, headers)

    items = read_events(theory_stream_url(base, ticket))

    assert_well_formed(items)
    events = data_events(items)
    assert [e["type"] for e in events] == ["stream_start", "stream_error"]
    assert events[-1]["code"] == "GENERATION_FAILED"
    records = fake.requests
    assert [r.stream for r in records] == [True, False, False]  # stream, sync + its one retry
    assert view_after_run(base, headers, session_id)["active_run"] is None


# --- heartbeats and cancel -----------------------------------------------------------------


def test_heartbeats_during_a_silent_upstream(server, fake):
    base = server.base_url
    fake.script(Script(content=LESSON_JSON, chunk_size=50, first_token_delay=2))
    ticket, _ = start_lesson(base, new_user(base))

    items = read_events(theory_stream_url(base, ticket))

    assert_full_lesson(items, ticket)
    first_block = next(i for i, item in enumerate(items) if item.type == "theory_block")
    pings = [item for item in items[:first_block] if item.comment is not None]
    assert len(pings) >= 2, list(items)
    assert all(item.comment == "ping" for item in pings)


def test_cancel_on_another_worker_stops_the_upstream_request(server, fake):
    base = server.base_url
    fake.script(Script(content=LESSON_JSON, chunk_size=SLOW_CHUNK, chunk_delay=SLOW_DELAY))
    headers = new_user(base)
    ticket, session_id = start_lesson(base, headers)
    url = theory_stream_url(base, ticket)
    (stream_pid, stream_client), (cancel_pid, cancel_client) = clients_on_two_workers(server)
    stream_request, cancel_request = f"stream-{uuid.uuid4().hex}", f"cancel-{uuid.uuid4().hex}"
    try:
        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(
                read_events, url, {"X-Request-ID": stream_request}, client=stream_client
            )
            [record] = fake.wait_for_requests(1, timeout=10)
            fake.wait_until(lambda: len(record.chunks) >= 5, timeout=10, what="5 chunks")
            # Only the owner may cancel.
            stranger = new_user(base)
            refused = cancel_client.post(f"{url}/cancel", headers=stranger)
            assert refused.status_code == 404
            cancelled_at = time.monotonic()
            response = cancel_client.post(
                f"{url}/cancel", headers={**headers, "X-Request-ID": cancel_request}
            )
            assert response.status_code == 202, response.text
            fake.wait_until(lambda: record.finished, timeout=10, what="upstream closed")
            items = reading.result(timeout=30)
    finally:
        stream_client.close()
        cancel_client.close()

    assert request_pid(server, stream_request) == stream_pid
    assert request_pid(server, cancel_request) == cancel_pid != stream_pid
    assert_well_formed(items)
    terminal = items.events[-1].data
    assert terminal["type"] == "stream_error" and terminal["code"] == "CANCELLED"
    assert record.client_gone and record.outcome == "client_gone"
    assert len(record.chunks) < SLOW_CHUNKS
    assert record.client_gone_at - cancelled_at < 3.0
    assert view_after_run(base, headers, session_id)["active_run"] is None


# --- a producer whose worker dies ----------------------------------------------------------


def kill_the_producer_mid_run(
    live_server_factory, fake, *, sig: int = signal.SIGKILL, lease: float = 1
) -> dict:
    """A slow lesson whose producing worker gets `sig` after two blocks were delivered."""
    fake.set_default(Script(content=LESSON_JSON, chunk_size=SLOW_CHUNK, chunk_delay=SLOW_DELAY))
    live = live_server_factory(
        workers=2,
        env={
            **openai_fake_env(fake),
            "STREAM_RUN_LEASE_SECONDS": str(lease),
            "SSE_HEARTBEAT_SECONDS": "0.5",
        },
    )
    headers = new_user(live.base_url)
    ticket, session_id = start_lesson(live.base_url, headers)
    url = theory_stream_url(live.base_url, ticket)
    request_id = f"doomed-{uuid.uuid4().hex}"
    first = read_events(url, {"X-Request-ID": request_id}, stop_after=3)
    assert [item.type for item in first.events] == ["stream_start", "theory_block", "theory_block"]
    producer = request_pid(live, request_id)
    assert producer != live.process.pid
    os.kill(producer, sig)
    return {
        "live": live,
        "headers": headers,
        "session_id": session_id,
        "url": url,
        "first": first,
        "signalled_at": time.monotonic(),
    }


def test_a_killed_producers_run_is_continued_by_another_worker(live_server_factory, fake_openai):
    killed = kill_the_producer_mid_run(live_server_factory, fake_openai)
    url, first = killed["url"], killed["first"]

    last_id = first.events[-1].id
    rest = read_events(url, {"Last-Event-ID": str(last_id), "Connection": "close"}, timeout=60)

    assert_well_formed(rest, first_id=last_id + 1)
    terminal = rest.events[-1].data
    assert terminal["type"] == "stream_complete", terminal
    assert terminal["fallback_mode"] == "continuation" and terminal["taken_over"] is True
    delivered = [item.data for item in first.events + rest.events]
    assert blocks_of(delivered) == NUMBERED  # the whole lesson, each block once
    assert terminal["total_blocks"] == len(NUMBERED)
    # Every later subscriber reads the same lesson.
    replay = read_events(url, {"Last-Event-ID": "0", "Connection": "close"}, timeout=30)
    assert [item.data for item in replay.events] == delivered


def test_a_taken_over_lesson_is_saved_whole(live_server_factory, fake_openai):
    killed = kill_the_producer_mid_run(live_server_factory, fake_openai)
    last_id = killed["first"].events[-1].id
    rest = read_events(
        killed["url"], {"Last-Event-ID": str(last_id), "Connection": "close"}, timeout=60
    )
    assert rest.events[-1].data["type"] == "stream_complete"

    base, headers = killed["live"].base_url, killed["headers"]
    view = view_after_run(base, headers, killed["session_id"])
    assert view["active_run"] is None
    assert [block["block_id"] for block in view["theory_content"]] == [
        block["block_id"] for block in NUMBERED
    ]


def test_a_stopped_worker_hands_its_run_over_without_waiting_for_the_lease(
    live_server_factory, fake_openai
):
    lease = 30.0  # far longer than the handover may take
    stopped = kill_the_producer_mid_run(
        live_server_factory, fake_openai, sig=signal.SIGTERM, lease=lease
    )
    last_id = stopped["first"].events[-1].id
    rest = read_events(
        stopped["url"], {"Last-Event-ID": str(last_id), "Connection": "close"}, timeout=60
    )

    terminal = rest.events[-1].data
    assert terminal["type"] == "stream_complete" and terminal["taken_over"] is True, terminal
    assert blocks_of([item.data for item in stopped["first"].events + rest.events]) == NUMBERED
    # The continuation was asked for long before the lease could have lapsed: the stopped
    # worker let it lapse at once, and another worker's sweep took the run within moments.
    continuation = fake_openai.wait_for_requests(2)[1]
    assert not continuation.stream
    assert continuation.received_at - stopped["signalled_at"] < lease / 3
    assert "runs handed over" in stopped["live"].log()


# --- equal state ---------------------------------------------------------------------------


def comparable(view: dict) -> dict:
    """A session view without what differs between two sessions by nature."""
    view = {key: value for key, value in view.items() if key != "session_id"}
    view["conversation"] = [
        {key: value for key, value in entry.items() if key != "created_at"}
        for entry in view["conversation"]
    ]
    return view


def test_streamed_and_synchronous_lessons_leave_equal_state(server, fake):
    base = server.base_url
    headers = new_user(base)
    payload = {"chapter_number": 2, "section_number": 1, "user_message": "시작", "streaming": False}
    response = httpx.post(f"{base}{START}", json=payload, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    sync_id = response.json()["data"]["session_info"]["session_id"]

    ticket, streamed_id = start_lesson(base, headers)
    assert read_events(theory_stream_url(base, ticket)).events[-1].type == "stream_complete"

    streamed = view_after_run(base, headers, streamed_id)
    synchronous = session_view(base, headers, sync_id)
    assert streamed["theory_content"] == NUMBERED
    assert comparable(streamed) == comparable(synchronous)
    assert [r.stream for r in fake.requests] == [False, True]


# --- the offline model -----------------------------------------------------------------------


def test_the_offline_model_streams_block_by_block(live_server_factory):
    live = live_server_factory(workers=1, env={"OFFLINE_LLM_TOKENS_PER_SECOND": "400"})
    ticket, _ = start_lesson(live.base_url, new_user(live.base_url))

    items = read_events(theory_stream_url(live.base_url, ticket))

    assert_well_formed(items)
    assert items.events[-1].data["type"] == "stream_complete"
    assert items.events[-1].data["fallback"] is False
    blocks = [item for item in items.events if item.type == "theory_block"]
    assert len(blocks) > 1
    assert [item.data["block_id"] for item in blocks] == list(range(1, len(blocks) + 1))
    assert blocks[-1].at - blocks[0].at > 0.05  # paced, not one burst
