"""Tickets and run logs: single claim under races, expiry, one terminal event, cap, retention."""

import multiprocessing
import threading
import time

import pytest

from backend.app.domain.tickets import run_id_for
from backend.app.streaming.records import RunLogFull
from backend.app.streaming.sqlite import SqliteStreamStore


@pytest.fixture
def store(tmp_path):
    return SqliteStreamStore(tmp_path / "streams.db", max_events=10, retention_seconds=600)


def test_tickets_are_opaque_random_and_owner_bound(store):
    tickets = {store.issue("alice", {"n": i}, ttl=60) for i in range(50)}
    assert len(tickets) == 50
    ticket = next(iter(tickets))
    assert len(ticket) >= 43 and "." not in ticket  # >= 256 bits, not a JWT
    assert store.peek(ticket) == "alice"


def test_a_ticket_is_claimed_once(store):
    ticket = store.issue("alice", {"lesson": 1}, ttl=60)
    assert store.claim(ticket) == ("alice", {"lesson": 1})
    assert store.claim(ticket) is None
    assert store.peek(ticket) is None


def test_expired_and_unknown_tickets_cannot_be_claimed(store):
    expired = store.issue("alice", {}, ttl=-1)
    assert store.claim(expired) is None
    assert store.claim("no-such-ticket") is None


def test_racing_threads_claim_exactly_once(store):
    ticket = store.issue("alice", {}, ttl=60)
    wins = []
    threads = [threading.Thread(target=lambda: wins.append(store.claim(ticket))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(win is not None for win in wins) == 1


def _claim_in_another_process(args):
    path, ticket = args
    return SqliteStreamStore(path, max_events=10, retention_seconds=600).claim(ticket) is not None


def test_racing_processes_claim_exactly_once(tmp_path):
    path = tmp_path / "streams.db"
    ticket = SqliteStreamStore(path, max_events=10, retention_seconds=600).issue("alice", {}, 60)
    # Spawned, not forked: a fork would inherit this process's open SQLite connections and
    # event-loop greenlets (other tests' runners), which SQLite does not allow.
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        results = pool.map(_claim_in_another_process, [(path, ticket)] * 12)
    assert results.count(True) == 1


def test_run_log_numbers_events_and_ends_with_one_terminal(store):
    run_id = run_id_for("ticket")
    store.create_run(run_id, "alice", "theory", lease_seconds=30)
    assert [store.append(run_id, {"type": "x", "n": n}) for n in range(3)] == [1, 2, 3]
    assert store.append(run_id, {"type": "stream_complete"}, terminal=True) == 4
    assert store.append(run_id, {"type": "stream_error"}, terminal=True) is None
    assert store.append(run_id, {"type": "late"}) is None
    assert [seq for seq, _ in store.read(run_id, 0)] == [1, 2, 3, 4]
    assert [event["n"] for _, event in store.read(run_id, 1)[:2]] == [1, 2]
    info = store.run_info(run_id)
    assert info.finished and info.owner == "alice" and info.last_seq == 4


def test_numbered_events_of_several_runs_are_added_in_one_batch(store):
    for run_id in ("a", "b", "ended"):
        store.create_run(run_id, "alice", "qna", lease_seconds=30)
    store.append("ended", {"type": "stream_error", "code": "RUN_ABORTED"}, terminal=True)
    batch = [("a", 1, {"n": 1}), ("b", 1, {"n": 10}), ("a", 2, {"n": 2}), ("ended", 2, {"n": 0})]
    assert store.append_batch(batch) == {"ended"}  # a reaper finished it: refused
    assert store.read("a", 0) == [(1, {"n": 1}), (2, {"n": 2})]
    assert store.read("b", 0) == [(1, {"n": 10})]
    assert [event.get("code") for _, event in store.read("ended", 0)] == ["RUN_ABORTED"]
    assert store.append("a", {"type": "stream_complete"}, terminal=True) == 3  # after the batch
    assert store.append_batch([]) == set()


def test_run_log_is_capped_but_keeps_room_for_the_terminal(store):
    run_id = "capped"
    store.create_run(run_id, "alice", "qna", lease_seconds=30)
    for _ in range(9):
        store.append(run_id, {"type": "token"})
    with pytest.raises(RunLogFull):
        store.append(run_id, {"type": "token"})
    assert store.append(run_id, {"type": "stream_error"}, terminal=True) == 10


def test_lease_and_cancel_marks(store):
    store.create_run("r", "alice", "theory", lease_seconds=-1)
    assert store.run_info("r").lease_expired
    store.renew_leases(["r"], 30)
    assert not store.run_info("r").lease_expired
    store.request_cancel("r")
    assert store.run_info("r").cancel_requested


def test_leases_renewed_and_cancel_marks_read_for_many_runs_at_once(store):
    for run_id in ("a", "b", "c"):
        store.create_run(run_id, "alice", "theory", lease_seconds=-1)
    store.append("c", {"type": "stream_complete"}, terminal=True)
    store.renew_leases(["a", "b", "c"], 30)
    store.renew_leases([], 30)  # nothing due: no statement
    assert not store.run_info("a").lease_expired and not store.run_info("b").lease_expired
    assert store.run_info("c").lease_expired  # a finished run keeps its lease as it was
    store.request_cancel("b")
    store.request_cancel("c")
    assert store.cancel_marked_runs() == {"b"}  # finished runs need no stopping


def test_finished_runs_are_dropped_after_retention(tmp_path):
    store = SqliteStreamStore(tmp_path / "s.db", max_events=10, retention_seconds=0.05)
    store.create_run("old", "alice", "theory", lease_seconds=30)
    store.append("old", {"type": "stream_complete"}, terminal=True)
    time.sleep(0.1)
    store.create_run("new", "alice", "theory", lease_seconds=30)
    assert store.run_info("old") is None and store.read("old", 0) == []
    assert store.run_info("new") is not None


def test_run_ids_do_not_reveal_tickets():
    assert run_id_for("secret-ticket") != "secret-ticket"
    assert "secret" not in run_id_for("secret-ticket")


def test_expired_tickets_are_cleaned_up(store):
    store.issue("alice", {}, ttl=-120)
    store.issue("alice", {}, ttl=60)  # issuing sweeps tickets expired over a minute ago
    assert store._read("SELECT COUNT(*) FROM ticket_hashes", ())[0][0] == 1
