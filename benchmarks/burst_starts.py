"""100 learners opening a lesson at the same moment on one worker, this checkout and an
earlier commit side by side.

Prints one JSON object. `python -m benchmarks.burst_starts [--before COMMIT] [--runs N]`
checks COMMIT out into a temporary git worktree and, in turns (before, after, before,
after, ...), starts a one-worker `gunicorn -k gevent` of each checkout (with this
checkout's Python) against the same scripted fake OpenAI server (fake_llm_server.py, one
process for the whole run, 4-character chunks at 50 chunks/s). For each server:

- 100 users and one more are registered and logged in beforehand; one short lesson warms
  the worker up.
- 20 lessons are started and streamed ("running", opened 0.12 s apart so that their
  blocks fall all through the burst); a second after each has shown its first block, the
  100 learners each POST session/start at the same moment and GET their theory-stream as
  soon as the answer is in (burst_client.py).
- First block: from a learner's POST being sent to their first `theory_block` being read
  (p50/p99/max), beside the POST's own answer time. The header block ends 102 characters
  into the lesson, so the fake alone needs about 0.52 s for it.
- Block latency of the running streams, from the fake writing the chunk that closes a
  block to the client reading its event (stream_latency.py's measure), for blocks written
  during the burst (from the POSTs to the last learner's first block) and before it.
- The worker's CPU time over the burst, per learner.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import statistics
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.burst_client import BurstClient, Learner
from benchmarks.common import SERVER_ENV, StreamResult, login, summary
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
from benchmarks.lesson_streams import START_BODY, run_streams, start_tickets
from benchmarks.light_client import sse_events
from benchmarks.processes import cpu_seconds, worker_pid
from tests.support.live_server import LiveServer, start_live_server

ROOT = Path(__file__).resolve().parents[1]
# The commit before the burst work: what `--before` compares against unless told otherwise.
BEFORE = "2da1ae9b75ce5b5d002f1fcbf531227f0a6b4aa5"
LEARNERS = 100
RUNNING = 20
QUIET_SECONDS = 1.0
# The running streams open this far apart, so that over their 20 the blocks they write
# spread across the burst (a lesson writes a block every 1.4-2.3 s).
RUNNING_STAGGER_SECONDS = 0.12
TARGETS_MS = {"first_block_p50": 1000.0, "first_block_p99": 1500.0}
ENV = {
    **SERVER_ENV,
    "WEB_CONCURRENCY": "1",
    "RATE_LIMIT_LOGIN": "1000000/minute",
    "RATE_LIMIT_LOGIN_PER_ADDRESS": "1000000/minute",
}


def start_server(checkout: Path, data_dir: Path, env: dict[str, str]) -> LiveServer:
    """A one-worker gunicorn of `checkout` on a free port, healthy."""
    return start_live_server(data_dir, workers=1, env=env, checkout=checkout)


def block_times(result: StreamResult, by_marker: dict[str, dict]) -> list[tuple[float, float]]:
    """(written by the fake, read by the client) of each block of a complete stream."""
    blocks = result.blocks()
    if result.terminal() != "stream_complete" or not blocks:
        return []
    found = MARKER.search(blocks[0][0]["data"].get("title", ""))
    record = by_marker.get(found[1]) if found else None
    ends = block_end_offsets(record["content"]) if record else []
    if len(ends) != len(blocks):
        return []  # a block was dropped or re-sent: not comparable
    cumulative = list(itertools.accumulate(length for length, _ in record["chunks"]))
    return [
        (record["chunks"][bisect.bisect_right(cumulative, end)][1], received)
        for end, (_, received) in zip(ends, blocks, strict=True)
    ]


def warm_up(server: LiveServer, fake: FakeProcess, token: str) -> None:
    """One short lesson end to end, so the burst meets a worker that has served one."""
    short = json.dumps(lesson_blocks(marker_of(0, 0, 0))[:2], ensure_ascii=False)
    fake.call("script", [short], 400, 0.0)
    (result,) = run_streams(server.base_url, start_tickets(server.base_url, token, 1))
    if result.terminal() != "stream_complete":
        raise RuntimeError(f"the warm-up lesson failed: {result.events[-1:]}\n{server.log()}")
    fake.call("wait_idle", 30)
    fake.call("take_records")


def measure(checkout: Path, fake: FakeProcess, data_dir: Path, run: int) -> dict:
    """One server of `checkout`: the burst and the running streams' block latency."""
    server = start_server(checkout, data_dir, {**ENV, "OPENAI_BASE_URL": fake.base_url})
    try:
        worker = worker_pid(server.process.pid)
        with ThreadPoolExecutor(8) as pool:
            names = [f"burst_{run}_{i}" for i in range(LEARNERS + 1)]
            tokens = list(pool.map(lambda name: login(server.base_url, name), names))
        warm_up(server, fake, tokens[-1])
        documents = [
            lesson_document(marker_of(i, LEARNERS, run)) for i in range(LEARNERS + RUNNING)
        ]
        fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
        running = start_tickets(server.base_url, tokens[-1], RUNNING)
        learners = [Learner(token) for token in tokens[:LEARNERS]]
        cpu: dict[str, float] = {}
        port = int(server.base_url.rsplit(":", 1)[1])
        client = BurstClient(
            port,
            running,
            learners,
            START_BODY,
            lambda moment: cpu.update({moment: cpu_seconds(worker)}),
        )
        client.run(stagger=RUNNING_STAGGER_SECONDS, quiet_seconds=QUIET_SECONDS, timeout=120)
        # The worker's CPU over the burst (the running streams' share included).
        burst_cpu = cpu.get("done", float("nan")) - cpu["sent"]
        fake.call("wait_idle", 30)
        records, _ = fake.call("take_records")
        if worker_pid(server.process.pid) != worker:
            raise RuntimeError("the gunicorn worker was replaced during the run")
        return figures(client, records, burst_cpu)
    finally:
        server.stop()


def figures(client: BurstClient, records: list[dict], burst_cpu: float) -> dict:
    """The reported figures of one server's run."""
    by_marker = {}
    for record in records:
        found = MARKER.search(record["content"][:400]) if record["scripted"] else None
        if found:
            by_marker[found[1]] = record
    first_block, errors = [], 0
    # Where a learner's first block waits, each from their POST: its answer, the GET,
    # the fake receiving the upstream request, and the header block's own latency.
    steps: dict[str, list[float]] = {"answer": [], "get": [], "upstream": [], "delivery": []}
    for learner in client.learners:
        sent = learner.start.sent_at
        result = StreamResult(opened_at=learner.stream.sent_at, error=learner.stream.error)
        result.events = sse_events(learner.stream) if learner.stream.pieces else []
        blocks = result.blocks()
        if learner.start.error or result.error or result.terminal() != "stream_complete":
            errors += 1
        if blocks:
            first_block.append((blocks[0][1] - sent) * 1000)
        if learner.start.pieces:
            steps["answer"].append((learner.start.pieces[-1][0] - sent) * 1000)
            steps["get"].append((learner.stream.sent_at - sent) * 1000)
        times = block_times(result, by_marker)
        if times:
            record = by_marker[MARKER.search(blocks[0][0]["data"]["title"])[1]]
            steps["upstream"].append((record["received_at"] - sent) * 1000)
            steps["delivery"].append((times[0][1] - times[0][0]) * 1000)
    during, before, running_errors = [], [], 0
    burst = (client.burst_sent_at, client.burst_done_at or float("inf"))
    for capture in client.running:
        result = StreamResult(opened_at=capture.sent_at, error=capture.error)
        result.events = sse_events(capture) if capture.pieces else []
        times = block_times(result, by_marker)
        running_errors += not times
        for written, received in times:
            latency = (received - written) * 1000
            if burst[0] <= written <= burst[1]:
                during.append(latency)
            elif written < burst[0]:
                before.append(latency)
    return {
        "first_block_ms": summary(first_block),
        "start_answer_ms": summary(steps["answer"]),
        "stream_request_ms": summary(steps["get"]),
        "upstream_request_ms": summary(steps["upstream"]),
        "first_block_delivery_ms": summary(steps["delivery"]),
        "burst_s": round(client.burst_done_at - client.burst_sent_at, 2),
        "worker_cpu_ms_per_learner": round(burst_cpu * 1000 / LEARNERS, 2),
        "errors": errors,
        "running_block_latency_ms": {
            "during_burst": {**summary(during), "blocks": len(during)},
            "before_burst": {**summary(before), "blocks": len(before)},
            "errors": running_errors,
        },
    }


def medians(runs: list[dict]) -> dict:
    """The median over runs of the headline figures."""

    def pick(path: tuple[str, ...]) -> float | None:
        values = []
        for run in runs:
            value = run
            for key in path:
                value = value[key]
            if value is not None:
                values.append(value)
        return round(statistics.median(values), 2) if values else None

    return {
        "first_block_p50": pick(("first_block_ms", "p50")),
        "first_block_p99": pick(("first_block_ms", "p99")),
        "start_answer_p50": pick(("start_answer_ms", "p50")),
        "worker_cpu_ms_per_learner": pick(("worker_cpu_ms_per_learner",)),
        "running_during_burst_p50": pick(("running_block_latency_ms", "during_burst", "p50")),
        "running_during_burst_p99": pick(("running_block_latency_ms", "during_burst", "p99")),
        "running_before_burst_p99": pick(("running_block_latency_ms", "before_burst", "p99")),
    }


def main() -> None:
    """Run both checkouts in turns and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=1, help="runs of each checkout")
    parser.add_argument("--only-after", action="store_true", help="measure this checkout only")
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"after": []} if args.only_after else {"before": [], "after": []}
    fake = FakeProcess()
    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "before"
        checkouts = {"before": before, "after": ROOT}
        try:
            fake.call("default", "[]")  # a request no script was queued for gets no blocks
            if not args.only_after:
                subprocess.run(
                    ["git", "worktree", "add", "--detach", "-q", str(before), args.before],
                    cwd=ROOT,
                    check=True,
                )
            for run in range(args.runs):
                for name in runs:
                    data_dir = Path(scratch) / f"{name}-{run}"
                    data_dir.mkdir()
                    runs[name].append(measure(checkouts[name], fake, data_dir, run))
        finally:
            fake.stop()
            if not args.only_after:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False
                )
    middle = {name: medians(found) for name, found in runs.items()}
    after = middle["after"]
    report = {
        "benchmark": "burst_starts",
        "before": None if args.only_after else args.before,
        "learners": LEARNERS,
        "running_streams": RUNNING,
        "pace_chunks_per_s": round(1 / CHUNK_DELAY),
        "first_block_chars": block_end_offsets(lesson_document(marker_of(0, 0, 0)))[0] + 1,
        "runs": runs,
        "median": middle,
        "targets_met": {
            "first_block_p50_le_1000ms": (after["first_block_p50"] or 1e9)
            <= TARGETS_MS["first_block_p50"],
            "first_block_p99_le_1500ms": (after["first_block_p99"] or 1e9)
            <= TARGETS_MS["first_block_p99"],
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
