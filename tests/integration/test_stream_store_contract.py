"""The stream-store contract, part one: tickets, run logs, leases and cancel marks.

Run against every backend in tests/support/stream_stores.py; two store instances on one
backend stand for two workers (or hosts).
"""

from __future__ import annotations

import threading
import time

import pytest

from backend.app.domain.tickets import run_id_for
from backend.app.streaming.protocols import (
    CancelMarks,
    CurrentBlocks,
    RunLeases,
    RunLog,
    StreamStore,
    SubscriberCounts,
    TakeoverClaims,
    TicketStore,
)
from backend.app.streaming.records import RunLogFull
from tests.support.stream_stores import BACKENDS, open_backend, race


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    return open_backend(request, tmp_path)


@pytest.fixture
def store(backend):
    return backend.worker()


@pytest.fixture
def other(backend):
    """A second worker on the same backend."""
    return backend.worker()


def test_the_store_implements_every_stream_protocol(store):
    parts = (TicketStore, RunLog, RunLeases, CancelMarks, SubscriberCounts, TakeoverClaims)
    assert all(isinstance(store, part) for part in (*parts, CurrentBlocks, StreamStore))


# --- tickets -----------------------------------------------------------------------


def test_a_ticket_is_claimed_once_by_any_worker_and_keeps_its_payload(store, other):
    payload = {"session_id": "s-1", "topic": "임베딩", "blocks": [1, 2]}
    ticket = store.issue("alice", payload, ttl=60)
    assert len(ticket) >= 43 and "." not in ticket  # >= 256 bits, not a JWT
    assert other.peek(ticket) == "alice" and other.peek(ticket) == "alice"  # peeking keeps it
    assert other.claim(ticket) == ("alice", payload)
    assert store.claim(ticket) is None and other.claim(ticket) is None
    assert store.peek(ticket) is None


def test_racing_workers_claim_a_ticket_exactly_once(store, other):
    ticket = store.issue("alice", {}, ttl=60)
    results = race([lambda w=w: w.claim(ticket) for w in (store, other) * 8])
    assert sum(result is not None for result in results) == 1


def test_a_ticket_expires_after_its_ttl(store, other):
    ticket = store.issue("alice", {}, ttl=0.05)
    time.sleep(0.1)
    assert other.peek(ticket) is None and other.claim(ticket) is None
    assert store.claim("never-issued") is None and store.peek("never-issued") is None


def test_expired_unclaimed_tells_a_forgotten_ticket_from_a_claimed_one(store, other):
    forgotten = store.issue("alice", {"n": 1}, ttl=0.05)
    claimed = store.issue("alice", {"n": 2}, ttl=0.05)
    waiting = store.issue("alice", {"n": 3}, ttl=60)
    assert other.claim(claimed) is not None
    time.sleep(0.1)
    assert other.expired_unclaimed(forgotten) is True
    assert other.expired_unclaimed(claimed) is False  # its run may not exist yet
    assert other.expired_unclaimed(waiting) is False
    assert other.expired_unclaimed("never-issued") is True


# --- run logs ----------------------------------------------------------------------


def test_events_are_numbered_in_order_and_read_after_a_seq_by_any_worker(store, other):
    run_id = run_id_for("ticket")
    store.create_run(run_id, "alice", "theory", lease_seconds=30, meta={"slot_id": "x"})
    assert [store.append(run_id, {"type": "x", "n": n}) for n in range(3)] == [1, 2, 3]
    assert other.read(run_id, 0) == [(seq, {"type": "x", "n": seq - 1}) for seq in (1, 2, 3)]
    assert other.read(run_id, 2) == [(3, {"type": "x", "n": 2})]
    assert other.read(run_id, 3) == []
    info = other.run_info(run_id)
    assert (info.owner, info.kind, info.last_seq, info.finished) == ("alice", "theory", 3, False)
    assert other.run_meta(run_id) == {"slot_id": "x"}


def test_unknown_runs_have_no_info_meta_or_events(store):
    assert store.run_info("nope") is None and store.run_meta("nope") == {}
    assert store.read("nope", 0) == []


def test_numbered_batches_follow_the_log_and_refuse_finished_runs(store, other):
    for run_id in ("a", "b", "ended"):
        store.create_run(run_id, "alice", "qna", lease_seconds=30)
    other.append("ended", {"type": "stream_error", "code": "RUN_ABORTED"}, terminal=True)
    batch = [("a", 1, {"n": 1}), ("b", 1, {"n": 10}), ("a", 2, {"n": 2}), ("ended", 2, {"n": 0})]
    assert store.append_batch(batch) == {"ended"}
    assert other.read("a", 0) == [(1, {"n": 1}), (2, {"n": 2})]
    assert other.read("b", 0) == [(1, {"n": 10})]
    assert [event.get("code") for _, event in other.read("ended", 0)] == ["RUN_ABORTED"]
    assert store.append("a", {"type": "stream_complete"}, terminal=True) == 3
    assert store.append_batch([]) == set()


def test_a_terminal_event_finishes_the_run_once(store, other):
    store.create_run("r", "alice", "theory", lease_seconds=30)
    store.append("r", {"type": "stream_start"})
    ends = race(
        [lambda w=w: w.append("r", {"type": "stream_error"}, terminal=True) for w in (store, other)]
        * 4
    )
    assert [seq for seq in ends if seq is not None] == [2]
    assert store.append("r", {"type": "late"}) is None
    assert other.run_info("r").finished and [s for s, _ in other.read("r", 0)] == [1, 2]


def test_the_log_is_capped_but_keeps_room_for_the_terminal(backend):
    store = backend.worker(max_events=10)
    store.create_run("capped", "alice", "qna", lease_seconds=30)
    for _ in range(9):
        store.append("capped", {"type": "token"})
    with pytest.raises(RunLogFull):
        store.append("capped", {"type": "token"})
    assert store.append("capped", {"type": "stream_error"}, terminal=True) == 10


def test_finished_runs_are_dropped_after_their_retention(backend):
    store = backend.worker(retention_seconds=0.05)
    store.create_run("old", "alice", "theory", lease_seconds=30)
    store.create_run("running", "alice", "theory", lease_seconds=30)
    store.append("old", {"type": "stream_complete"}, terminal=True)
    time.sleep(0.1)
    store.create_run("new", "alice", "theory", lease_seconds=30)
    assert store.run_info("old") is None and store.read("old", 0) == []
    assert store.run_info("running") is not None and store.run_info("new") is not None


def test_read_many_gives_each_run_its_events_after_its_cursor(store, other):
    for run_id in ("one", "two", "quiet"):
        store.create_run(run_id, "alice", "theory", lease_seconds=30)
    for n in range(3):
        store.append("one", {"type": "token", "n": n})
    store.append("two", {"type": "token", "n": 0})

    found = other.read_many({"one": 1, "two": 0, "quiet": 0, "unknown": 0})

    assert found == {
        "one": [(2, {"type": "token", "n": 1}), (3, {"type": "token", "n": 2})],
        "two": [(1, {"type": "token", "n": 0})],
    }
    assert other.read_many({"one": 3}) == {} and other.read_many({}) == {}


def test_read_many_waits_for_the_first_event_of_any_run(store, other):
    for run_id in ("one", "two"):
        store.create_run(run_id, "alice", "theory", lease_seconds=30)
    started = time.monotonic()
    assert other.read_many({"one": 0, "two": 0}, wait_seconds=0.2) == {}
    assert time.monotonic() - started >= 0.15  # it waited

    threading.Timer(0.1, store.append, ("two", {"type": "token"})).start()
    started = time.monotonic()
    found = other.read_many({"one": 0, "two": 0}, wait_seconds=3)
    assert found == {"two": [(1, {"type": "token"})]}
    assert time.monotonic() - started < 4  # woken by the event, not by the timeout


# --- leases and cancel marks -------------------------------------------------------


def test_a_lapsed_lease_shows_to_every_worker_until_renewed(store, other):
    store.create_run("lapsed", "alice", "theory", lease_seconds=-1)
    store.create_run("alive", "alice", "theory", lease_seconds=30)
    store.create_run("answer", "alice", "qna", lease_seconds=-1)
    assert other.run_info("lapsed").lease_expired and not other.run_info("alive").lease_expired
    assert other.lapsed_runs("theory") == ["lapsed"] and other.lapsed_runs("qna") == ["answer"]
    store.renew_leases(["lapsed", "answer"], 30)
    store.renew_leases([], 30)
    assert not other.run_info("lapsed").lease_expired
    assert other.lapsed_runs("theory") == [] and other.lapsed_runs("qna") == []


def test_a_short_lease_lapses_when_not_renewed(store, other):
    store.create_run("r", "alice", "theory", lease_seconds=0.1)
    assert other.lapsed_runs("theory") == []
    time.sleep(0.15)
    assert other.lapsed_runs("theory") == ["r"]


def test_a_finished_run_is_neither_renewed_nor_lapsed(store):
    store.create_run("done", "alice", "theory", lease_seconds=-1)
    store.append("done", {"type": "stream_complete"}, terminal=True)
    store.renew_leases(["done"], 30)
    assert store.run_info("done").lease_expired  # kept as it was
    assert store.lapsed_runs("theory") == []


def test_a_cancel_mark_reaches_the_producing_worker(store, other):
    for run_id in ("a", "b", "done"):
        store.create_run(run_id, "alice", "theory", lease_seconds=30)
    store.append("done", {"type": "stream_complete"}, terminal=True)
    assert store.cancel_marked_runs() == set()
    other.request_cancel("b")
    other.request_cancel("done")
    assert store.cancel_marked_runs() == {"b"}  # finished runs need no stopping
    assert store.run_info("b").cancel_requested and not store.run_info("a").cancel_requested
