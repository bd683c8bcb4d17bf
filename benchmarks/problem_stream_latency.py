"""Problem generation through the real product: token latency and time to first status.

Prints one JSON object. A live `gunicorn -k gevent` with one worker talks to the scripted
fake OpenAI server (in a child process), which streams each problem description in
4-character chunks at 50 chunks/s; the NDJSON clients are one light, single-threaded
client (light_client.py).

- Token latency: from the fake writing a chunk to the client reading the `token` line
  that carries it (time.monotonic() is one clock for every process on Linux). The k-th
  token line of a stream is the k-th chunk of its upstream description; streams are
  paired with their upstream requests by a marker in the description's title.
- First status: from sending the POST to reading the first `status` line.
- Levels: 1 generation at a time (a few in a row) and 100 concurrent on the one worker.
  The 100 are sent at the same instant, so their first-status figure is a thundering
  herd queueing for one worker; beside it, `first_status_under_load_ms` is what a
  request arriving while the 100 stream their descriptions waits (probes sent one after
  another, each closing after its first line).

Every scripted reply is one text that serves all three calls: a JSON object (read by the
analysis and the variation) followed by the Markdown description (the parser ignores
prose before the first heading), so it does not matter which call takes which script.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.common import SERVER_ENV, login, summary
from benchmarks.fake_process import FakeProcess
from benchmarks.light_client import http_request, ndjson_lines, run_requests
from benchmarks.processes import cpu_seconds, worker_pid
from benchmarks.token_pairing import streamed_by_marker, token_latencies_ms
from tests.support.live_server import start_live_server
from tests.support.problem_scripts import DESCRIPTION

CHUNK_CHARS = 4
CHUNK_DELAY = 0.02
LEVELS = (1, 100)
SEQUENTIAL_RUNS = 3
PROBES = 10
TARGETS_MS = {"token_p50": 5.0, "first_status_p50": 20.0}
BODY = {"prompt": "격자에서 최단 거리를 구하는 문제", "difficulty": "medium"}
MARKER = re.compile(r"\[(pbench-[0-9-]+)\]")
PLAN = {"algorithm_type": "graph", "key_concepts": ["BFS"], "title": "T", "scenario": "S"}


def reply(marker: str) -> str:
    """One scripted reply usable by every call of a generation."""
    description = DESCRIPTION.replace("해저 연구소 탈출", f"해저 연구소 탈출 [{marker}]", 1)
    return json.dumps(PLAN, ensure_ascii=False) + "\n\n" + description


@dataclass
class Generation:
    """What one NDJSON client saw: each line with the moment it was read."""

    sent_at: float = 0.0
    lines: list[tuple[dict, float]] = field(default_factory=list)
    error: str | None = None

    def tokens(self) -> list[tuple[str, float]]:
        return [(e["payload"]["text"], t) for e, t in self.lines if e["type"] == "token"]


def run_generations(base_url: str, token: str, count: int) -> list[Generation]:
    """`count` generations at once, read by one light single-threaded client."""
    port = int(base_url.rsplit(":", 1)[1])
    request = http_request(
        "POST",
        "/api/v1/problems/generate-stream",
        {"Authorization": f"Bearer {token}"},
        BODY,
    )
    results = []
    for capture in run_requests(port, [request] * count):
        result = Generation(sent_at=capture.sent_at, error=capture.error)
        if capture.status() != 200:
            result.error = result.error or f"HTTP {capture.status()}"
        else:
            result.lines = ndjson_lines(capture)
        results.append(result)
    return results


def analyze(results: list[Generation], records: list[dict]) -> dict:
    """Token latencies per pairing by marker; first-status times; errors."""
    streamed = streamed_by_marker(records, MARKER)
    latency, first_status, errors, unmatched = [], [], 0, 0
    for result in results:
        if result.error or not result.lines or result.lines[-1][0]["type"] != "result":
            errors += 1
            continue
        first_status.append((result.lines[0][1] - result.sent_at) * 1000)
        paired = token_latencies_ms(result.tokens(), streamed, MARKER)
        if paired is None:
            unmatched += 1
            continue
        latency += paired
    return {
        "token_latency_ms": summary(latency),
        "first_status_ms": summary(first_status),
        "tokens_measured": len(latency),
        "errors": errors,
        "unmatched": unmatched,
        "_raw": {"latency": latency, "first_status": first_status},
    }


def probe_first_status(base_url: str, token: str, count: int) -> list[float]:
    """Send `count` generations one after another; ms from sending to each first line."""
    times = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(count):
            sent = time.monotonic()
            with client.stream(
                "POST", "/api/v1/problems/generate-stream", json=BODY, headers=headers
            ) as response:
                next(response.iter_lines())
                times.append((time.monotonic() - sent) * 1000)
            time.sleep(0.05)
    return times


def measure(server, fake: FakeProcess, token: str, count: int, run: int, worker: int) -> dict:
    """`count` concurrent generations: latencies, errors and the worker's CPU share."""
    contents = [reply(f"pbench-{count}-{run}-{i:04d}") for i in range(3 * (count + PROBES))]
    fake.call("script", contents, CHUNK_CHARS, CHUNK_DELAY)
    cpu_before, started = cpu_seconds(worker), time.monotonic()
    results: list[Generation] = []
    runner = threading.Thread(
        target=lambda: results.extend(run_generations(server.base_url, token, count))
    )
    runner.start()
    probes = []
    if count > 1:
        # Wait until the generations stream their descriptions, then probe.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and fake_streaming(fake) < count:
            time.sleep(0.05)
        probes = probe_first_status(server.base_url, token, PROBES)
    runner.join()
    wall = time.monotonic() - started
    worker_cpu = cpu_seconds(worker) - cpu_before
    fake.call("wait_idle", 30)
    records, _pending = fake.call("take_records")
    out = analyze(results, records)
    out.update(
        generations=count, wall_s=round(wall, 1), worker_cpu_share=round(worker_cpu / wall, 2)
    )
    if probes:
        out["first_status_under_load_ms"] = summary(probes)
    return out


def fake_streaming(fake: FakeProcess) -> int:
    """How many streamed (description) requests the fake has received so far."""
    return fake.call("count_streams")


def merged(runs: list[dict]) -> dict:
    """Sequential single generations as one level."""
    latency = [v for run in runs for v in run["_raw"]["latency"]]
    first = [v for run in runs for v in run["_raw"]["first_status"]]
    return {
        "generations": 1,
        "runs": len(runs),
        "token_latency_ms": summary(latency),
        "first_status_ms": summary(first),
        "tokens_measured": len(latency),
        "errors": sum(run["errors"] for run in runs),
        "unmatched": sum(run["unmatched"] for run in runs),
        "worker_cpu_share": runs[-1]["worker_cpu_share"],
    }


def main() -> None:
    """Run both levels and print the JSON object."""
    fake = FakeProcess()
    server = None
    levels: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
            server = start_live_server(Path(tmp), workers=1, env=env)
            worker = worker_pid(server.process.pid)
            token = login(server.base_url, "bench_problems")
            measure(server, fake, token, 1, 0, worker)  # warm-up
            levels["1"] = merged(
                [
                    measure(server, fake, token, 1, run, worker)
                    for run in range(1, 1 + SEQUENTIAL_RUNS)
                ]
            )
            for level in LEVELS[1:]:
                levels[str(level)] = measure(server, fake, token, level, 0, worker)
                levels[str(level)].pop("_raw")
            server.stop()
            server = None
    finally:
        if server is not None:
            server.stop()
        fake.stop()

    def ok(level: str, key: str, limit: float) -> bool:
        value = levels[level][key]["p50"]
        return value is not None and value <= limit and levels[level]["errors"] == 0

    # At 100, the first-status target is read on requests arriving under that load; the
    # herd's own figure (100 sent at one instant) is reported beside it.
    targets = {
        "c1_token_p50_le_5ms": ok("1", "token_latency_ms", TARGETS_MS["token_p50"]),
        "c100_token_p50_le_5ms": ok("100", "token_latency_ms", TARGETS_MS["token_p50"]),
        "c1_first_status_p50_le_20ms": ok("1", "first_status_ms", TARGETS_MS["first_status_p50"]),
        "c100_first_status_under_load_p50_le_20ms": ok(
            "100", "first_status_under_load_ms", TARGETS_MS["first_status_p50"]
        ),
    }
    print(
        json.dumps(
            {
                "benchmark": "problem_stream_latency",
                "pace_chunks_per_s": round(1 / CHUNK_DELAY),
                "chunk_chars": CHUNK_CHARS,
                "description_chars": len(reply("pbench-0-0-0000")),
                "cpu_count": os.cpu_count(),
                "levels": levels,
                "targets_met": targets,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
