"""The stream-store contract, part two: run caps, subscriber counts, takeovers, current blocks.

Run against every backend in tests/support/stream_stores.py; two instances on one backend
stand for two workers (or hosts).
"""

from __future__ import annotations

import time

import pytest

from backend.app.errors import APIError
from backend.app.streaming.protocols import RunCaps
from tests.support.stream_stores import BACKENDS, CAP_BACKENDS, open_backend, race


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    return open_backend(request, tmp_path)


@pytest.fixture
def workers(backend):
    """Two store instances on one backend: two workers."""
    return backend.worker(), backend.worker()


@pytest.fixture(params=CAP_BACKENDS)
def caps(request, tmp_path):
    """Two run-cap counters on one backend, at two runs per user."""
    backend = open_backend(request, tmp_path)
    return backend.run_caps(cap=2), backend.run_caps(cap=2)


# --- run caps ----------------------------------------------------------------------


def test_the_run_caps_implement_their_protocol(caps):
    assert all(isinstance(counter, RunCaps) for counter in caps)


def test_the_cap_is_per_user_across_workers_and_release_frees_a_slot(caps):
    first, second = caps
    assert first.try_acquire("alice", "run-1", "theory")
    assert second.try_acquire("alice", "run-2", "qna")
    assert not first.try_acquire("alice", "run-3", "theory")
    assert not second.try_acquire("alice", "run-3", "theory")
    assert second.try_acquire("bob", "run-4", "theory")
    second.release("run-1")
    second.release("run-1")  # idempotent
    assert first.try_acquire("alice", "run-3", "theory")
    assert first.running("alice") == 2 and second.running("bob") == 1


def test_a_lapsed_lease_frees_its_slot(caps):
    first, second = caps
    assert first.try_acquire("alice", "dead-worker-run", "theory", lease_seconds=-1)
    assert second.running("alice") == 0
    assert second.try_acquire("alice", "a", "theory")
    assert second.try_acquire("alice", "b", "theory")


def test_renewing_keeps_only_the_named_slots(caps):
    first, second = caps
    assert first.try_acquire("alice", "a", "theory", lease_seconds=0.3)
    assert first.try_acquire("alice", "b", "theory", lease_seconds=0.3)
    second.renew(["a"], lease_seconds=60)
    second.renew([])
    time.sleep(0.4)
    assert first.running("alice") == 1


def test_a_running_id_is_a_conflict_and_a_full_cap_is_rate_limited(caps):
    first, second = caps
    first.acquire("alice", "a", "theory")
    with pytest.raises(APIError) as conflict:
        second.try_acquire("alice", "a", "theory")
    assert conflict.value.status == 409
    second.acquire("alice", "b", "theory")
    with pytest.raises(APIError) as limited:
        first.acquire("alice", "c", "theory")
    assert limited.value.status == 429 and limited.value.code == "RATE_LIMITED"


def test_a_held_slot_is_released_when_the_block_ends(caps):
    first, second = caps
    with first.hold("alice", "sync", "turn"):
        assert second.running("alice") == 1
    assert second.running("alice") == 0


def test_racing_acquisitions_on_two_workers_never_exceed_the_cap(caps):
    calls = [lambda n=n: caps[n % 2].try_acquire("alice", f"race-{n}", "theory") for n in range(12)]
    assert race(calls).count(True) == 2


# --- subscriber counts -------------------------------------------------------------


def test_the_subscriber_limit_counts_every_worker(workers):
    first, second = workers
    assert first.join("run", limit=3, ttl=30) and first.join("run", limit=3, ttl=30)
    assert second.join("run", limit=3, ttl=30)
    assert not second.join("run", limit=3, ttl=30) and not first.join("run", limit=3, ttl=30)
    assert first.subscriber_count("run") == second.subscriber_count("run") == 3
    assert second.join("another-run", limit=3, ttl=30)  # runs are counted apart


def test_leaving_makes_room_and_never_counts_below_zero(workers):
    first, second = workers
    for _ in range(2):
        assert first.join("run", limit=2, ttl=30)
    second.leave("run")  # this worker holds none: nothing changes
    assert second.subscriber_count("run") == 2
    first.leave("run")
    assert second.join("run", limit=2, ttl=30)
    first.leave("run")
    first.leave("run")
    assert first.subscriber_count("run") == 1


def test_a_dead_workers_subscribers_stop_counting_when_their_lease_lapses(workers):
    dead, alive = workers
    assert dead.join("run", limit=2, ttl=0.1) and dead.join("run", limit=2, ttl=0.1)
    assert not alive.join("run", limit=2, ttl=30)
    time.sleep(0.15)
    assert alive.subscriber_count("run") == 0
    assert alive.join("run", limit=2, ttl=30) and alive.join("run", limit=2, ttl=30)


def test_renewed_subscriptions_keep_counting(workers):
    first, second = workers
    assert first.join("run", limit=2, ttl=0.2)
    first.renew_subscriptions(ttl=30)
    time.sleep(0.25)
    assert second.subscriber_count("run") == 1


def test_racing_joins_on_two_workers_never_pass_the_limit(workers):
    calls = [lambda n=n: workers[n % 2].join("run", limit=5, ttl=30) for n in range(16)]
    assert race(calls).count(True) == 5
    assert workers[0].subscriber_count("run") == 5


# --- takeover claims ---------------------------------------------------------------


def test_one_claimant_wins_a_lapse_and_a_new_lapse_can_be_claimed_again(workers):
    first, second = workers
    calls = [
        lambda n=n: workers[n % 2].claim_takeover("run", f"worker-{n}", "lapse-1", ttl=30)
        for n in range(8)
    ]
    assert race(calls).count(True) == 1
    assert not first.claim_takeover("run", "late", "lapse-1", ttl=30)
    assert second.claim_takeover("run", "worker-x", "lapse-2", ttl=30)  # the taker died too
    assert not first.claim_takeover("run", "worker-y", "lapse-2", ttl=30)
    assert first.claim_takeover("another-run", "worker-y", "lapse-1", ttl=30)


# --- current-block records ---------------------------------------------------------


def test_the_current_block_is_one_overwritten_record_seen_by_every_worker(workers):
    writer, reader = workers
    writer.create_run("run", "alice", "theory", lease_seconds=30)
    assert reader.current_blocks(["run"]) == {}
    writer.set_current_blocks({"run": {"block_id": 3, "text": "임베딩은"}}, ttl=30)
    writer.set_current_blocks(
        {"run": {"block_id": 3, "text": "임베딩은 토큰을"}, "other": {"block_id": 1, "text": ""}},
        ttl=30,
    )
    assert reader.current_blocks(["run", "another-run", "other"]) == {
        "run": {"block_id": 3, "text": "임베딩은 토큰을"},
        "other": {"block_id": 1, "text": ""},
    }
    assert writer.read("run", 0) == []  # never in the run log
    writer.set_current_blocks({}, ttl=30)  # nothing to write is no error
    assert reader.current_blocks([]) == {}


def test_a_current_block_expires_after_its_ttl(workers):
    writer, reader = workers
    writer.set_current_blocks({"run": {"block_id": 1, "text": "a"}}, ttl=0.1)
    time.sleep(0.15)
    assert reader.current_blocks(["run"]) == {}
