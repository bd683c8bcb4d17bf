"""Two hosts on one Redis and one Postgres: delivery across hosts, and takeover time.

Hosts A and B are one-worker gunicorns (devservers.hosts, each in its own process group)
with their own DATA_DIR, one JWT key, one REDIS_URL and one Postgres database
(devservers.postgres), and the fake model (benchmarks/fake_process) at 50 chunks/s.

- Delivery across hosts: each lesson's ticket is claimed on A (that GET starts the
  producer on A) and that connection is closed right after `stream_start`; the client then
  follows the run on B with `Last-Event-ID: 1`. Block latency is measured at the client on
  B with stream_latency's definition (fake writes the closing brace -> client reads it).
- Takeover: a slow lesson is claimed on A, two blocks are read, host A is SIGKILLed (its
  whole process group) or its master SIGTERMed, and the client resumes on B with the last
  id it saw; the figure is the time from the signal to the next `theory_block` at the client.
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import time
from pathlib import Path

import httpx

from benchmarks.block_latency import analyze
from benchmarks.common import SERVER_ENV, login
from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import (
    CHUNK_CHARS,
    CHUNK_DELAY,
    MARKER,
    block_end_offsets,
    lesson_blocks,
    lesson_document,
    marker_of,
)
from benchmarks.lesson_streams import run_streams, start_tickets
from benchmarks.light_client import http_request, run_requests, sse_events
from benchmarks.processes import cpu_seconds, worker_pid
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
# The takeover lesson is slower than the others, so host A dies in the middle of it.
SLOW_CHUNK_DELAY = 0.05
BLOCKS_BEFORE_STOP = 2
TAKEOVER_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PATH = "/api/v1/learning/theory-stream/{}"


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
    claims = run_requests(
        pair.a.port,
        [http_request("GET", PATH.format(t), {"Accept": "text/event-stream"}) for t in tickets],
        timeout=30,
        stop_when=_has_event,
    )
    claimed = sum(
        1 for c in claims if (sse_events(c)[:1] or [({}, 0)])[0][0].get("type") == "stream_start"
    )
    results = run_streams(pair.b.url, tickets, headers={"Last-Event-ID": "1"})
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in workers.items()}
    last_claim = max(c.sent_at for c in claims)
    subscribed = {_marker(r): r.opened_at for r in results}
    for result, claim in zip(results, claims, strict=True):
        result.opened_at = claim.sent_at  # upstream_start: from the claim on A
    fake.call("wait_idle", 30)
    records, pending = fake.call("take_records")
    out = analyze(results, records)
    out.pop("_raw")
    out.update(streams=level, claimed_on_a=claimed, wall_s=round(wall, 1))
    out["loadavg_1m"] = round(os.getloadavg()[0], 1)
    out["last_claim_sent_ms"] = round((last_claim - started) * 1000, 1)
    out["last_subscription_sent_ms"] = round((max(subscribed.values()) - started) * 1000, 1)
    # Subscriptions on B opened after their lesson's first block was written: such a block
    # is replayed, not delivered live (the lead is there to keep this at 0).
    out["late_subscriptions"] = sum(
        1 for marker, at in _first_block_written(records).items() if subscribed.get(marker, 0) > at
    )
    out["worker_cpu_share"] = {name: round(s / wall, 2) for name, s in cpu.items()}
    if out.pop("unmatched") or pending or len(records) != level:
        out.update(upstream_requests=len(records), scripts_left=pending)
    return out


def _delayed(document: str) -> str:
    """The lesson with LEAD before its first block's closing brace."""
    end = block_end_offsets(document)[0]
    return document[:end] + LEAD + document[end:]


def _marker(result) -> str | None:
    blocks = result.blocks()
    found = MARKER.search(blocks[0][0]["data"].get("title", "")) if blocks else None
    return found[1] if found else None


def _first_block_written(records: list[dict]) -> dict[str, float]:
    """When the fake wrote the chunk closing each lesson's first block, by marker."""
    written = {}
    for record in records:
        found = MARKER.search(record["content"][:1000]) if record["scripted"] else None
        if found and record["chunks"]:
            end = block_end_offsets(record["content"])[0]
            cumulative = list(itertools.accumulate(length for length, _ in record["chunks"]))
            written[found[1]] = record["chunks"][bisect.bisect_right(cumulative, end)][1]
    return written


def _sse(response: httpx.Response):
    """(id, event) pairs of an SSE response as they arrive."""
    seq, data = None, []
    for line in response.iter_lines():
        if line.startswith("id:"):
            seq = int(line[3:].strip())
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield seq, json.loads("\n".join(data))
            seq, data = None, []


def takeover_trial(pair: HostPair, fake: FakeProcess, how: str, trial: int) -> dict:
    """Stop host A (`kill` or `terminate`) mid-lesson; seconds to the next block on B."""
    marker = marker_of(trial, 0, 7 if how == "kill" else 8)
    rest = json.dumps(lesson_blocks(marker)[BLOCKS_BEFORE_STOP:], ensure_ascii=False)
    fake.call("take_records")  # a clean queue: A's lesson first, then B's continuation
    fake.call("script", [lesson_document(marker)], CHUNK_CHARS, SLOW_CHUNK_DELAY)
    fake.call("script", [rest], CHUNK_CHARS, 0.0)
    (ticket,) = start_tickets(pair.a.url, pair.token, 1)
    url, last, seen = PATH.format(ticket), 0, 0
    with httpx.stream("GET", pair.a.url + url, timeout=TAKEOVER_TIMEOUT) as response:
        for seq, event in _sse(response):
            last = seq or last
            seen += event.get("type") == "theory_block"
            if seen == BLOCKS_BEFORE_STOP:
                break
    stopped_at = time.monotonic()
    getattr(pair.a, how)()
    first_block_at, block_id, terminal = None, None, {}
    headers = {"Last-Event-ID": str(last)}
    with httpx.stream("GET", pair.b.url + url, headers=headers, timeout=TAKEOVER_TIMEOUT) as resp:
        for _, event in _sse(resp):
            if event.get("type") == "theory_block" and first_block_at is None:
                first_block_at, block_id = time.monotonic(), event["block_id"]
            if event.get("type") in ("stream_complete", "stream_error"):
                terminal = event
                break
    if how == "terminate":
        pair.a.wait(timeout=60)
    pair.a.start()
    return {
        "seconds": None if first_block_at is None else round(first_block_at - stopped_at, 2),
        "next_block_id": block_id,
        "terminal": terminal.get("type"),
        "taken_over": terminal.get("taken_over"),
        "total_blocks": terminal.get("total_blocks"),
    }


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
        kill = [takeover_trial(pair, fake, "kill", trial) for trial in range(kills)]
        term = [takeover_trial(pair, fake, "terminate", trial) for trial in range(terms)]
    finally:
        if pair is not None:
            pair.stop()
        fake.stop()
    return {
        "cross_host": cross,
        "takeover": {"lease_s": LEASE_SECONDS, "sigkill": kill, "sigterm": term},
    }
