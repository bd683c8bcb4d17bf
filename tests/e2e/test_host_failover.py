"""Many hosts, when one fails (DESIGN 4.4): a lesson outlives its host and its engines.

The session cluster (tests/support/cluster.py: two hosts behind nginx, one Redis, one
Postgres, 3 s leases). A lesson is opened and its stream claimed on one host, which is
then killed (SIGKILL) or stopped (SIGTERM) mid-lesson: the client, resuming on the other
host, gets the whole lesson, each block once, continued by the other host. Redis and
Postgres restarts: a clear end for the stream cut by them, and service again without
restarting any host.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.cluster import (
    new_user,
    open_lesson,
    read_lesson,
    served_by,
)
from tests.support.sse_client import SSEItems

pytestmark = pytest.mark.live

LEASE_SECONDS = 3.0


def blocks(items: list) -> list[dict]:
    """The theory blocks among SSE items, without their `type`."""
    return [
        {key: value for key, value in item.data.items() if key != "type"}
        for item in items
        if item.type == "theory_block"
    ]


def session_view(base: str, headers: dict, session_id: str) -> dict:
    """The session as GET session/<id> shows it."""
    response = httpx.get(f"{base}/api/v1/learning/session/{session_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def view_when_settled(base: str, headers: dict, session_id: str, timeout=20.0) -> dict:
    """The session view once it has no active run (polled, bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        view = session_view(base, headers, session_id)
        if view["active_run"] is None or time.monotonic() > deadline:
            return view
        time.sleep(0.2)


def stream_then_lose_the_host(cluster, stop) -> dict:
    """Claim a lesson on one host, read two blocks, then `stop(host)` it mid-lesson."""
    headers = new_user(cluster.url, "failover")
    lesson = open_lesson(cluster, headers)
    producer = lesson.host  # the claim below starts the run on this host
    first = read_lesson(producer.url, lesson.ticket, stop_after=3, timeout=30)
    assert [item.type for item in first.events] == ["stream_start", "theory_block", "theory_block"]
    stopped_at = time.monotonic()
    stop(producer)
    return {
        "headers": headers,
        "lesson": lesson,
        "producer": producer,
        "first": first,
        "stopped_at": stopped_at,
    }


def resume_elsewhere(cluster, lost: dict) -> SSEItems:
    """The rest of the lesson, read from the host that did not produce it."""
    other = cluster.other_than(lost["producer"])
    last_id = lost["first"].events[-1].id
    return read_lesson(
        other.url, lost["lesson"].ticket, {"Last-Event-ID": str(last_id)}, timeout=60
    )


def assert_continued_whole(lost: dict, rest: SSEItems) -> None:
    """Every block once, in order, ended by a taken-over stream_complete."""
    first = lost["first"]
    ids = [item.id for item in first.events + rest.events]
    assert ids == list(range(1, len(ids) + 1)), ids  # no duplicate, no gap
    terminal = rest.events[-1].data
    assert terminal["type"] == "stream_complete", terminal
    assert terminal["fallback_mode"] == "continuation" and terminal["taken_over"] is True
    delivered = blocks(first.events + rest.events)
    assert [block["block_id"] for block in delivered] == list(range(1, len(delivered) + 1))
    assert len(delivered) == terminal["total_blocks"] >= 3
    kinds = [(b["block_type"], b["data"].get("type")) for b in delivered]
    assert len(set(kinds)) == len(kinds), kinds  # no block of a kind twice


@pytest.mark.parametrize("how", ["sigkill", "sigterm"])
def test_a_lesson_outlives_its_host(running_cluster, how):
    cluster = running_cluster
    stop = (lambda host: host.kill()) if how == "sigkill" else (lambda host: host.terminate())
    lost = stream_then_lose_the_host(cluster, stop)

    rest = resume_elsewhere(cluster, lost)

    assert_continued_whole(lost, rest)
    next_block_at = next(item.at for item in rest.events if item.type == "theory_block")
    # SIGKILL: after the lease lapses; SIGTERM: handed over at once. Generous margins.
    bound = LEASE_SECONDS + 10 if how == "sigkill" else 10
    assert next_block_at - lost["stopped_at"] < bound
    other = cluster.other_than(lost["producer"])
    view = view_when_settled(other.url, lost["headers"], lost["lesson"].session_id)
    assert view["active_run"] is None
    assert [block["block_id"] for block in view["theory_content"]] == [
        block["block_id"] for block in blocks(lost["first"].events + rest.events)
    ]
    # A stopped host finishes stopping by itself (the next test starts it again).
    assert lost["producer"].wait(timeout=60) is not None


def test_redis_restarted_mid_stream_ends_the_stream_clearly(running_cluster):
    cluster = running_cluster
    headers = new_user(cluster.url, "redisdown")
    lesson = open_lesson(cluster, headers)

    def restart_after_the_first_block(item) -> None:
        if item.type == "theory_block" and not restarted:
            restarted.append(True)
            cluster.redis.restart()

    restarted: list[bool] = []
    items = read_lesson(
        lesson.host.url, lesson.ticket, on_item=restart_after_the_first_block, timeout=60
    )

    assert restarted
    # The restart emptied Redis: the stream says its events are gone, as a refusal-style
    # event without an id, never a silent cut or a stream_complete.
    last = items.events[-1]
    assert last.id is None and last.data["type"] == "stream_error", last.data
    assert last.data["code"] == "STORE_UNAVAILABLE"
    assert [item.type for item in items.events[:-1]][:2] == ["stream_start", "theory_block"]
    # New streams work afterwards, on both hosts, with no host restarted.
    for host in cluster.hosts:
        fresh = open_lesson(cluster, new_user(cluster.url, "redisback"), base=host.url)
        again = read_lesson(cluster.other_than(host).url, fresh.ticket, timeout=60)
        assert again.events[-1].data["type"] == "stream_complete", again.events[-1].data


def test_learning_routes_work_again_after_a_postgres_restart(running_cluster):
    cluster = running_cluster
    headers = new_user(cluster.url, "pgdown")
    before = open_lesson(cluster, headers)

    cluster.postgres.restart()

    # Each host answers again without being restarted: pooled connections are replaced.
    for host in cluster.hosts:
        lesson = open_lesson(cluster, headers, base=host.url)
        streamed = read_lesson(host.url, lesson.ticket, timeout=60)
        assert streamed.events[-1].data["type"] == "stream_complete"
        view = session_view(host.url, headers, before.session_id)
        assert view["session_id"] == before.session_id
    served = httpx.get(f"{cluster.url}/readyz", timeout=10)
    assert served.status_code == 200 and served_by(cluster, served)
