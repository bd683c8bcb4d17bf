"""Two hosts on one Redis and one Postgres: delivery across hosts, and takeover time.

Hosts A and B are one-worker gunicorns (devservers.hosts, each in its own process group)
with their own DATA_DIR, one JWT key, one REDIS_URL and one Postgres database
(devservers.postgres), and the fake model (benchmarks/fake_process) at 50 chunks/s.

Delivery across hosts: each lesson's ticket is claimed on A (that GET starts the producer
on A) and that connection is closed right after `stream_start`; the client then follows
the run on B with `Last-Event-ID: 1`. Block latency is measured at the client on B with
stream_latency's definition (the fake writes the closing brace -> the client reads the
block). A spy reading every run's Redis stream splits it in two: from the fake to the
block in Redis (host A's part) and from Redis to the client (host B's part).
Takeover time after SIGKILL or SIGTERM of host A: many_hosts_takeover.
"""

from __future__ import annotations

import bisect
import itertools
import os
import time
from pathlib import Path

from backend.app.domain.tickets import run_id_for
from benchmarks.block_latency import analyze
from benchmarks.common import SERVER_ENV, login, summary
from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import (
    CHUNK_CHARS,
    CHUNK_DELAY,
    MARKER,
    block_end_offsets,
    lesson_document,
    marker_of,
)
from benchmarks.lesson_streams import run_streams, start_tickets
from benchmarks.light_client import http_request, run_requests, sse_events
from benchmarks.many_hosts_takeover import takeover_trial
from benchmarks.processes import cpu_seconds, worker_pid
from benchmarks.redis_probe import StreamSpy
from devservers.cluster import host_settings
from devservers.hosts import AppHost
from devservers.ports import free_port
from devservers.postgres import start_postgres
from devservers.redis import start_redis

LEASE_SECONDS = 3
CROSS_HOST_STREAMS = 100
# Whitespace inside the first block, before its closing brace, delays that block by about
# three seconds, so each subscription on B is open before anything it measures is written
# (100 claims on one worker, then 100 subscriptions on the other, take one to two seconds).
# Inside the block, not before the document: the marker must stay near the start.
LEAD = " " * 600
PATH = "/api/v1/learning/theory-stream/{}"
# The stream store's keys on Redis: REDIS_KEY_PREFIX (default) + "stream:".
EVENTS_KEY = "tutor:stream:events:{}"


class HostPair:
    """Redis, Postgres and hosts A and B with the settings a fleet shares."""

    def __init__(self, workdir: Path, fake: FakeProcess) -> None:
        self.redis = start_redis(workdir / "redis")
        self.postgres = None
        self.hosts: list[AppHost] = []
        try:
            self.postgres = start_postgres()
            database = self.postgres.create_database("tutor")
            env = {
                **host_settings(self.redis, database, workers=1),
                **SERVER_ENV,
                "OPENAI_BASE_URL": fake.base_url,
                "STREAM_RUN_LEASE_SECONDS": str(LEASE_SECONDS),
            }
            for name in ("A", "B"):
                data_dir = workdir / f"host{name}"
                env_of_host = {**env, "DATA_DIR": str(data_dir)}
                self.hosts.append(AppHost(name, free_port(), data_dir, env_of_host))
            for host in self.hosts:
                host.start()
        except BaseException:
            self.stop()
            raise
        self.a, self.b = self.hosts
        self.token = login(self.a.url, "bench_hosts")  # valid on B too: one JWT key

    def stop(self) -> None:
        """Stop the hosts, Redis and Postgres (each by its process id)."""
        for host in self.hosts:
            host.stop()
        self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


def _has_event(capture) -> bool:
    return bool(sse_events(capture))


def cross_host_level(pair: HostPair, fake: FakeProcess, level: int, run: int) -> dict:
    """`level` lessons produced on A and followed on B: block latency at B's clients."""
    documents = [_delayed(lesson_document(marker_of(i, level, run))) for i in range(level)]
    tickets = start_tickets(pair.a.url, pair.token, level)
    fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
    workers = {"A": worker_pid(pair.a.process.pid), "B": worker_pid(pair.b.process.pid)}
    cpu_before = {name: cpu_seconds(pid) for name, pid in workers.items()}
    started = time.monotonic()
    claim_requests = [
        http_request("GET", PATH.format(t), {"Accept": "text/event-stream"}) for t in tickets
    ]
    with StreamSpy(pair.redis.url, [EVENTS_KEY.format(run_id_for(t)) for t in tickets]) as spy:
        claims = run_requests(pair.a.port, claim_requests, timeout=30, stop_when=_has_event)
        results = run_streams(pair.b.url, tickets, headers={"Last-Event-ID": "1"})
        wall = time.monotonic() - started
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in workers.items()}
        fake.call("wait_idle", 30)
    firsts = [sse_events(claim)[:1] for claim in claims]
    claimed = sum(1 for first in firsts if first and first[0][0].get("type") == "stream_start")
    last_claim = max(c.sent_at for c in claims)
    subscribed = {_marker(r): r.opened_at for r in results}
    for result, claim in zip(results, claims, strict=True):
        result.opened_at = claim.sent_at  # upstream_start: from the claim on A
    records, pending = fake.call("take_records")
    out = analyze(results, records)
    out.pop("_raw")
    out.update(split_by_store(tickets, results, records, spy.arrivals))
    out.update(streams=level, claimed_on_a=claimed, wall_s=round(wall, 1))
    out["loadavg_1m"] = round(os.getloadavg()[0], 1)
    out["last_claim_sent_ms"] = round((last_claim - started) * 1000, 1)
    out["last_subscription_sent_ms"] = round((max(subscribed.values()) - started) * 1000, 1)
    # Subscriptions on B opened after their lesson's first block was written: such a block
    # is replayed, not delivered live (the lead is there to keep this at 0).
    out["late_subscriptions"] = sum(
        1 for marker, at in _blocks_written(records).items() if subscribed.get(marker, 0) > at[0]
    )
    out["worker_cpu_share"] = {name: round(s / wall, 2) for name, s in cpu.items()}
    if out.pop("unmatched") or pending or len(records) != level:
        out.update(upstream_requests=len(records), scripts_left=pending)
    return out


def split_by_store(tickets, results, records, arrivals) -> dict:
    """Each block's latency in two parts: fake -> Redis (host A), Redis -> client (host B)."""
    written_at = {marker: times for marker, times in _blocks_written(records).items()}
    producer, subscriber = [], []
    for ticket, result in zip(tickets, results, strict=True):
        written = written_at.get(_marker(result))
        if written is None or result.terminal() != "stream_complete":
            continue
        key = EVENTS_KEY.format(run_id_for(ticket))
        # The stream was resumed after id 1: its n-th event has id n + 2 (ids have no gaps).
        blocks = [
            (index + 2, received)
            for index, (event, received) in enumerate(result.events)
            if event.get("type") == "theory_block"
        ]
        for (seq, received), at in zip(blocks, written, strict=False):
            stored = arrivals.get((key, seq))
            if stored is not None:
                producer.append((stored - at) * 1000)
                subscriber.append((received - stored) * 1000)
    return {
        "fake_to_redis_ms": summary(producer),
        "redis_to_client_ms": summary(subscriber),
    }


def _delayed(document: str) -> str:
    """The lesson with LEAD before its first block's closing brace."""
    end = block_end_offsets(document)[0]
    return document[:end] + LEAD + document[end:]


def _marker(result) -> str | None:
    blocks = result.blocks()
    found = MARKER.search(blocks[0][0]["data"].get("title", "")) if blocks else None
    return found[1] if found else None


def _blocks_written(records: list[dict]) -> dict[str, list[float]]:
    """When the fake wrote the chunk closing each block of each lesson, by marker."""
    written = {}
    for record in records:
        found = MARKER.search(record["content"][:1000]) if record["scripted"] else None
        if found and record["chunks"]:
            cumulative = list(itertools.accumulate(length for length, _ in record["chunks"]))
            written[found[1]] = [
                record["chunks"][bisect.bisect_right(cumulative, end)][1]
                for end in block_end_offsets(record["content"])
            ]
    return written


def measure_pair(workdir: Path, kills: int, terms: int) -> dict:
    """Cross-host delivery at 100 streams, then takeovers after SIGKILL and SIGTERM."""
    fake = FakeProcess()
    pair = None
    try:
        fake.call("default", "[]")
        pair = HostPair(workdir, fake)
        warm_up = cross_host_level(pair, fake, 2, 0)
        if warm_up["errors"]:
            raise RuntimeError(f"cross-host warm-up failed: {warm_up}\n{pair.b.log()[-3000:]}")
        cross = cross_host_level(pair, fake, CROSS_HOST_STREAMS, 1)
        kill = [takeover_trial(pair.a, pair.b, fake, pair.token, "kill", n) for n in range(kills)]
        term = [
            takeover_trial(pair.a, pair.b, fake, pair.token, "terminate", n) for n in range(terms)
        ]
    finally:
        if pair is not None:
            pair.stop()
        fake.stop()
    return {
        "cross_host": cross,
        "takeover": {"lease_s": LEASE_SECONDS, "sigkill": kill, "sigterm": term},
    }
