"""Theory-lesson streaming through the real product: block latency, capacity and TTFT.

Prints one JSON object. A live `gunicorn -k gevent` with one worker talks to the scripted
fake OpenAI server, which streams a lesson (a JSON array of blocks with Korean text) in
4-character chunks at 50 chunks/s. The SSE clients are one light single-threaded client
(light_client.py): client threads cost enough CPU to distort the figures.

- Block latency: from the fake writing the chunk that holds a block's closing brace to the
  client reading the end of that block's `theory_block` event (both clocks are
  time.monotonic(), which is one clock for every process on Linux). Each stream's lesson
  carries a unique marker in its header title, so upstream requests are matched to the
  streams by content, not by arrival order.
  The last block of each lesson is also shown alone (it shares its chunk with the end of
  the answer, so it waits for the end-of-run work), and so is the time from opening a
  stream to the fake receiving its upstream request.
- Beside it, the fake's own lateness (chunk i is due at the first chunk + i * 20 ms, and a
  late writer catches up) and the excess of each gap between chunks over 20 ms, since
  the fake, the clients and the server share the machine; and each process's CPU share.
  The fake runs in a child process of its own, on gevent (fake_llm_server.py): with a
  thread per stream it could not hold the pace of 200 streams and wrote in bunches.
- Capacity: 200 concurrent streams on the one worker (errors, p99, worker RSS per stream)
  and the knee: the smallest level whose p99 passes 50 ms.
- TTFT: the offline model at its default rate, streamed (first block, stream_complete)
  against the synchronous lesson.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.block_latency import analyze, merge_runs
from benchmarks.common import SERVER_ENV, login
from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import (
    CHUNK_CHARS,
    CHUNK_DELAY,
    block_end_offsets,
    lesson_document,
    marker_of,
)
from benchmarks.lesson_streams import START_BODY, run_streams, start_tickets
from benchmarks.processes import RssSampler, cpu_seconds, worker_pid
from tests.support.live_server import start_live_server

CHUNKS_PER_SECOND = round(1 / CHUNK_DELAY)
KNEE_LEVELS = (50, 100, 150, 200, 300)
CAPACITY_STREAMS = 200
REPORTED_LEVELS = (100, CAPACITY_STREAMS)
KNEE_P99_MS = 50.0
SINGLE_STREAM_LESSONS = 2  # sequential lessons at concurrency 1, for enough samples
TARGETS_MS = {"p50_c1_c100": 5.0, "p99_c1_c100": 20.0, "p99_c200": 50.0}
OFFLINE_ENV = {
    **SERVER_ENV,
    "LLM_PROVIDER": "offline",
    "OFFLINE_LLM_TOKENS_PER_SECOND": "40",
}

# --- measuring ------------------------------------------------------------------------


def measure_level(
    server, fake: FakeProcess, token: str, level: int, run: int, worker: int, *, rss: bool = False
) -> dict:
    """`level` concurrent streams: latencies, fake lateness, errors, worker CPU (and RSS)."""
    documents = [lesson_document(marker_of(i, level, run)) for i in range(level)]
    tickets = start_tickets(server.base_url, token, level)
    fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
    sampler = RssSampler(worker) if rss else None
    if sampler:
        sampler.start()
    pids = {"worker": worker, "fake": fake.process.pid, "clients": os.getpid()}
    cpu_before, started = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.monotonic()
    results = run_streams(server.base_url, tickets)
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    if sampler:
        sampler.stop()
    fake.call("wait_idle", 30)  # every upstream answer has been recorded in full
    records, pending = fake.call("take_records")
    out = analyze(results, records)
    out.update(streams=level, wall_s=round(wall, 1))
    # Each process's CPU time over the run's wall time (1.0 = one core busy throughout).
    out["cpu_share"] = {name: round(seconds / wall, 2) for name, seconds in cpu.items()}
    if out.pop("unmatched") or pending or len(records) != level:
        # Some stream could not be paired with exactly one upstream answer: say so.
        out.update(upstream_requests=len(records), scripts_left=pending)
    if sampler:
        out["worker_rss_mb_before"] = round(sampler.before_kb / 1024, 1)
        out["worker_rss_mb_peak"] = round(sampler.peak_kb / 1024, 1)
        out["rss_kb_per_stream"] = round((sampler.peak_kb - sampler.before_kb) / level, 1)
    return out


# --- TTFT with the offline model ------------------------------------------------------


def measure_ttft(data_dir: Path) -> dict:
    """Offline model at 40 tokens/s: first block and stream_complete vs the sync lesson."""
    server = start_live_server(data_dir, workers=1, env=OFFLINE_ENV)
    try:
        token = login(server.base_url, "ttft_user")
        (ticket,) = start_tickets(server.base_url, token, 1)
        (result,) = run_streams(server.base_url, [ticket])
        if result.terminal() != "stream_complete":
            raise RuntimeError(f"offline stream failed: {result.error} {result.events[-1:]}")
        first_block = result.blocks()[0][1] - result.opened_at
        complete = result.events[-1][1] - result.opened_at
        headers = {"Authorization": f"Bearer {token}"}
        started = time.monotonic()
        response = httpx.post(
            f"{server.base_url}/api/v1/learning/session/start",
            json={**START_BODY, "streaming": False},
            headers=headers,
            timeout=120,
        )
        sync = time.monotonic() - started
        response.raise_for_status()
        flow = response.json()["data"]["workflow_response"]
        if flow.get("streaming"):
            raise RuntimeError("the synchronous lesson came back as a stream")
    finally:
        server.stop()
    return {
        "tokens_per_second": 40,
        "blocks": len(result.blocks()),
        "first_block_ms": round(first_block * 1000, 1),
        "stream_complete_ms": round(complete * 1000, 1),
        "sync_lesson_ms": round(sync * 1000, 1),
        "ratio_sync_to_first_block": round(sync / first_block, 1),
    }


# --- the run --------------------------------------------------------------------------


def measure_fake_levels(data_dir: Path) -> tuple[dict[str, dict], int | None]:
    """Every concurrency level against the fake; the knee (None when no level passed 50 ms)."""
    fake = FakeProcess()
    server = None
    try:
        fake.call("default", "[]")  # a request no script was queued for gets no blocks
        env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
        server = start_live_server(data_dir, workers=1, env=env)
        worker = worker_pid(server.process.pid)
        token = login(server.base_url, "bench_streams")
        levels: dict[str, dict] = {}

        def measure(level: int, run: int = 0, *, rss: bool = False) -> dict:
            return measure_level(server, fake, token, level, run, worker, rss=rss)

        # Concurrency 1: lessons one after another; the first only warms the worker up.
        warm_up = measure(1, 0)
        if warm_up["errors"]:
            raise RuntimeError(f"the warm-up lesson failed: {warm_up}\n{server.log()[-3000:]}")
        levels["1"] = merge_runs([measure(1, run) for run in range(1, SINGLE_STREAM_LESSONS + 1)])
        # Capacity on a worker that no bigger run has grown yet, then the knee levels up
        # to the first that passes 50 ms (and the reported ones).
        levels[str(CAPACITY_STREAMS)] = measure(CAPACITY_STREAMS, rss=True)
        knee = None
        for level in KNEE_LEVELS:
            if str(level) not in levels:
                if knee is not None and level not in REPORTED_LEVELS:
                    continue  # the knee is known and nobody asked for this level
                levels[str(level)] = measure(level)
            measured = levels[str(level)]
            p99 = measured["block_latency_ms"]["p99"]
            if knee is None and (measured["errors"] or p99 is None or p99 > KNEE_P99_MS):
                knee = level
        if any(measured["errors"] for measured in levels.values()):
            tail = server.log()[-3000:].strip() or "(nothing at this log level)"
            print(f"Some streams failed; the server's log ends with:\n{tail}", file=sys.stderr)
        if worker_pid(server.process.pid) != worker:
            raise RuntimeError("the gunicorn worker was replaced during the run")
    finally:
        if server is not None:
            server.stop()
        fake.stop()
    for measured in levels.values():
        measured.pop("_raw", None)
    return dict(sorted(levels.items(), key=lambda item: int(item[0]))), knee


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


def main() -> None:
    """Run every measurement and print the JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ttft", action="store_true", help="leave out the offline TTFT run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("streams", "offline"):
            (Path(tmp) / name).mkdir()
        levels, knee = measure_fake_levels(Path(tmp) / "streams")
        ttft = None if args.skip_ttft else measure_ttft(Path(tmp) / "offline")

    one, hundred, capacity = levels["1"], levels["100"], levels[str(CAPACITY_STREAMS)]
    p50_limit, p99_limit = TARGETS_MS["p50_c1_c100"], TARGETS_MS["p99_c1_c100"]
    targets = {
        "c1_p50_le_5ms": _at_most(one["block_latency_ms"]["p50"], p50_limit),
        "c1_p99_le_20ms": _at_most(one["block_latency_ms"]["p99"], p99_limit),
        "c100_p50_le_5ms": _at_most(hundred["block_latency_ms"]["p50"], p50_limit),
        "c100_p99_le_20ms": _at_most(hundred["block_latency_ms"]["p99"], p99_limit),
        "c200_no_errors": capacity["errors"] == 0,
        "c200_p99_le_50ms": _at_most(capacity["block_latency_ms"]["p99"], TARGETS_MS["p99_c200"]),
    }
    document = lesson_document(marker_of(0, 0, 0))
    highest = max(int(level) for level in levels)
    result = {
        "benchmark": "stream_latency",
        "pace_chunks_per_s": CHUNKS_PER_SECOND,
        "chunk_chars": CHUNK_CHARS,
        "blocks_per_lesson": len(block_end_offsets(document)),
        "lesson_chars": len(document),
        "lesson_seconds_scheduled": round(-(-len(document) // CHUNK_CHARS) * CHUNK_DELAY, 1),
        "concurrency": levels,
        "knee_p99_over_50ms": knee if knee is not None else f"none up to {highest}",
        "ttft_offline": ttft,
        "targets_met": targets,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
