"""What the Redis stream store keeps on the server, beyond the shared contract suite."""

from __future__ import annotations

import redis

from backend.app.domain.tickets import run_id_for
from backend.app.streaming.redis import RedisStreamStore


def open_store(redis_url: str, prefix: str, **options) -> tuple[RedisStreamStore, redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    settings = {"max_events": 100, "retention_seconds": 600, **options}
    return RedisStreamStore(client, prefix=prefix, **settings), client


def everything_stored(client: redis.Redis, prefix: str) -> bytes:
    """Every key under the prefix and every value it holds, as one blob to search."""
    blob = b""
    for key in client.scan_iter(match=f"{prefix}*"):
        kind = client.type(key)
        if kind == b"string":
            value = client.get(key)
        elif kind == b"hash":
            value = repr(client.hgetall(key)).encode()
        elif kind == b"stream":
            value = repr(client.xrange(key)).encode()
        else:
            value = repr(client.zrange(key, 0, -1) if kind == b"zset" else client.smembers(key))
            value = value.encode()
        blob += key + b"\n" + value + b"\n"
    return blob


def test_redis_holds_no_usable_ticket_at_any_stage(redis_url, redis_prefix):
    store, client = open_store(redis_url, redis_prefix)
    ticket = store.issue("alice", {"session_id": "s"}, ttl=60)
    assert ticket.encode() not in everything_stored(client, redis_prefix)
    owner, payload = store.claim(ticket)
    run_id = run_id_for(ticket)
    store.create_run(run_id, owner, "theory", 30, payload)
    store.append(run_id, {"type": "stream_start", "estimated_blocks": 4})
    store.append(run_id, {"type": "stream_complete"}, terminal=True)
    stored = everything_stored(client, redis_prefix)
    assert run_id.encode() in stored and ticket.encode() not in stored


def test_a_finished_run_expires_after_its_retention_and_a_running_one_does_not(
    redis_url, redis_prefix
):
    store, client = open_store(redis_url, redis_prefix, retention_seconds=120)
    for run_id in ("done", "running"):
        store.create_run(run_id, "alice", "qna", 30)
        store.append(run_id, {"type": "qna_token", "text": "a"})
    store.append("done", {"type": "stream_complete"}, terminal=True)
    for key in (f"{redis_prefix}run:done", f"{redis_prefix}events:done"):
        assert 110_000 < client.pttl(key) <= 120_000
    assert client.pttl(f"{redis_prefix}run:running") == -1  # no expiry while it runs
    assert client.zrange(f"{redis_prefix}leases:qna", 0, -1) == [b"running"]


def test_one_loop_turn_of_many_runs_is_one_round_trip(redis_url, redis_prefix):
    store, client = open_store(redis_url, redis_prefix)
    for number in range(20):
        store.create_run(f"r{number}", "alice", "theory", 30)
    client.script_flush()  # as after a server restart: the script is loaded again, once
    assert store.append_batch([("r0", 1, {"n": 0})]) == set()
    sent = []
    connection = client.connection_pool.get_connection()
    original = type(connection).send_packed_command
    client.connection_pool.release(connection)

    def counting(self, command, check_health=True):
        sent.append(1)
        return original(self, command, check_health)

    type(connection).send_packed_command = counting
    try:
        refused = store.append_batch([(f"r{n}", 2, {"n": n}) for n in range(20)])
    finally:
        type(connection).send_packed_command = original
    assert refused == set() and len(sent) == 1
    assert store.read("r7", 1) == [(2, {"n": 7})]
