"""Verified problems under load: other streams' token latency while 20 verifications run.

Prints one JSON object. A live `gunicorn -k gevent` with one worker talks to the scripted
fake OpenAI server (a child process) streaming each description in 4-character chunks at
50 chunks/s. Side by side in one run:

- `quiet`: MEASURED generations stream their descriptions with nothing else going on;
- `during_verifications`: first VERIFIERS generations are started and reach their
  verification stage (every one has asked for its reference solution, whose runs spin
  SPIN_SECONDS of CPU each in the sandbox, PROBLEM_VERIFICATION_CONCURRENCY at a time),
  then the same MEASURED generations stream while those runs go on.

Token latency runs from the fake writing a chunk to the client reading the token line
that carries it (one monotonic clock for every process). Target: p99 <= 30 ms during
the verifications. Every scripted reply serves every call of a generation: a JSON plan
(analysis, variation), a python fence (the reference solution) and the description.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import SERVER_ENV, login, summary
from benchmarks.fake_process import FakeProcess
from benchmarks.problem_stream_latency import Generation, run_generations
from benchmarks.token_pairing import streamed_by_marker, token_latencies_ms
from tests.support.live_server import start_live_server
from tests.support.problem_scripts import DESCRIPTION, SOLUTION

CHUNK_CHARS = 4
CHUNK_DELAY = 0.02
VERIFIERS = 20
MEASURED = 10
SPIN_SECONDS = 0.3
TARGET_P99_MS = 30.0
MARKER = re.compile(r"\[(vbench-[0-9a-z-]+)\]")
PLAN = {"algorithm_type": "graph", "key_concepts": ["BFS"], "title": "T", "scenario": "S"}
# The reference solution burns CPU first, as a real solution on a large example would.
SPINNING_SOLUTION = (
    "import time\n"
    f"_until = time.process_time() + {SPIN_SECONDS}\n"
    "while time.process_time() < _until:\n"
    "    pass\n" + SOLUTION
)


def reply(marker: str) -> str:
    """One scripted reply usable by every call of a generation."""
    description = DESCRIPTION.replace("해저 연구소 탈출", f"해저 연구소 탈출 [{marker}]", 1)
    plan = json.dumps(PLAN, ensure_ascii=False)
    return f"{plan}\n\n```python\n{SPINNING_SOLUTION}```\n\n{description}"


def generations_in_background(base_url: str, token: str, count: int) -> tuple:
    """Start `count` generations on a thread; (thread, list filled with their results)."""
    results: list[Generation] = []
    thread = threading.Thread(
        target=lambda: results.extend(run_generations(base_url, token, count))
    )
    thread.start()
    return thread, results


def wait_for(fake: FakeProcess, requests: int, timeout: float = 60.0) -> None:
    """Until the fake has received `requests` requests in all."""
    deadline = time.monotonic() + timeout
    while fake.call("count_requests") < requests and time.monotonic() < deadline:
        time.sleep(0.02)


def measure(server, fake: FakeProcess, token: str, verifiers: int, label: str) -> dict:
    """MEASURED generations' token latency, after `verifiers` generations reached verification."""
    calls = 4 + 1  # analysis, variation, description, solution (+ a repair, if any)
    contents = [reply(f"vbench-{label}-{i:04d}") for i in range(calls * (verifiers + MEASURED))]
    fake.call("script", contents, CHUNK_CHARS, CHUNK_DELAY)
    background = None
    if verifiers:
        background = generations_in_background(server.base_url, token, verifiers)
        wait_for(fake, 4 * verifiers)  # every one has asked for its reference solution
    started = time.monotonic()
    measured = run_generations(server.base_url, token, MEASURED)
    measured_s = time.monotonic() - started
    verified = []
    if background is not None:
        background[0].join()
        verified = background[1]
    fake.call("wait_idle", 30)
    records, _pending = fake.call("take_records")
    streamed = streamed_by_marker(records, MARKER)
    latency, errors = [], 0
    for result in measured:
        if result.error or not result.lines or result.lines[-1][0]["type"] != "result":
            errors += 1
            continue
        latency += token_latencies_ms(result.tokens(), streamed, MARKER) or []
    statuses = [
        r.lines[-1][0]["payload"]["verification"]["status"]
        for r in verified
        if r.lines and r.lines[-1][0]["type"] == "result"
    ]
    return {
        "verifications_running": verifiers,
        "token_latency_ms": summary(latency),
        "tokens_measured": len(latency),
        "measured_errors": errors,
        "measured_wall_s": round(measured_s, 1),
        "verifier_outcomes": {s: statuses.count(s) for s in sorted(set(statuses))},
    }


def main() -> None:
    """Both scenarios on one server, side by side; print the JSON object."""
    fake = FakeProcess()
    server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
            server = start_live_server(Path(tmp), workers=1, env=env)
            token = login(server.base_url, "bench_verification")
            measure(server, fake, token, 0, "warmup")
            quiet = measure(server, fake, token, 0, "quiet")
            loaded = measure(server, fake, token, VERIFIERS, "loaded")
    finally:
        if server is not None:
            server.stop()
        fake.stop()
    p99 = loaded["token_latency_ms"]["p99"]
    print(
        json.dumps(
            {
                "benchmark": "verification_load",
                "cpu_count": os.cpu_count(),
                "pace_chunks_per_s": round(1 / CHUNK_DELAY),
                "spin_seconds_per_run": SPIN_SECONDS,
                "quiet": quiet,
                "during_verifications": loaded,
                "targets_met": {
                    "token_p99_le_30ms_during_20_verifications": p99 is not None
                    and p99 <= TARGET_P99_MS
                    and loaded["measured_errors"] == 0
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
