"""A streamed lesson as the learner sees it: click to first block painted, and to complete.

Prints one JSON object. A live `gunicorn -k gevent` (2 workers) serves the built client and
the offline model at 40 tokens/s; Debian Chromium (playwright-core, headless) registers once,
then for each run opens the lesson page, clicks a section and records in the page:

- `first_block_ms`: from the click event to the animation frame after the first block enters
  the DOM (two requestAnimationFrame callbacks: the frame that paints it has been produced);
- `first_block_render_ms`: the same, from the browser's Element Timing render time of the
  first block's title (the paint itself, where Chromium reports it);
- `complete_ms`: from the click to the frame after the lesson shows as complete.

Beside it, `http_baseline` times the same two steps with a plain HTTP client (session/start,
then the SSE stream to its first `theory_block` and to `stream_complete`): the difference is
what the browser and the client add.

Targets (issue 6): first block under 1.5 s, and under a quarter of the complete lesson.

    .venv/bin/python -m benchmarks.browser_lesson_ttft [--runs 5] [--tokens-per-second 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.live_server import REPO_ROOT, start_live_server

FRONTEND = REPO_ROOT / "frontend"


def build_frontend() -> None:
    """The server serves frontend/dist: build it (quick) so the numbers are of this tree."""
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True, capture_output=True)


def http_baseline(base_url: str, runs: int) -> dict:
    """Click-free timings: session/start + SSE to the first block and to the end."""
    api = f"{base_url}/api/v1"
    account = {"username": f"http_{time.monotonic_ns()}", "password": "bench password 123"}
    with httpx.Client(timeout=90) as client:
        client.post(f"{api}/auth/register", json=account).raise_for_status()
        token = client.post(f"{api}/auth/login", json=account).json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        firsts, completes = [], []
        for run in range(runs):
            body = {"chapter_number": 3, "section_number": 1 + run % 3, "user_message": "시작"}
            started = time.monotonic()
            flow = client.post(f"{api}/learning/session/start", json=body, headers=headers)
            ticket = flow.json()["data"]["workflow_response"]["temp_session_id"]
            first = None
            stream_url = f"{api}/learning/theory-stream/{ticket}"
            with client.stream("GET", stream_url, headers=headers) as stream:
                for line in stream.iter_lines():
                    if first is None and '"theory_block"' in line:
                        first = time.monotonic()
                    if '"stream_complete"' in line:
                        break
            firsts.append(round((first - started) * 1000))
            completes.append(round((time.monotonic() - started) * 1000))
    return {
        "runs": runs,
        "first_block_ms_median": round(statistics.median(firsts)),
        "complete_ms_median": round(statistics.median(completes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens-per-second", type=int, default=40)
    args = parser.parse_args()

    build_frontend()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_live_server(
            Path(data_dir),
            workers=2,
            env={"OFFLINE_LLM_TOKENS_PER_SECOND": str(args.tokens_per_second)},
        )
        try:
            baseline = http_baseline(server.base_url, 3)
            done = subprocess.run(
                ["node", "e2e/lesson_ttft.bench.mjs", server.base_url, str(args.runs)],
                cwd=FRONTEND,
                capture_output=True,
                text=True,
                timeout=60 + 60 * args.runs,
                check=False,
            )
        finally:
            server.stop()
    if done.returncode != 0:
        sys.exit(f"browser benchmark failed:\n{done.stdout}\n{done.stderr}")
    browser = json.loads(done.stdout.strip().splitlines()[-1])
    first = browser["first_block_ms"]["median"]
    complete = browser["complete_ms"]["median"]
    result = {
        "benchmark": "browser_lesson_ttft",
        "tokens_per_second": args.tokens_per_second,
        "workers": 2,
        **browser,
        "http_baseline": baseline,
        "targets": {
            "first_block_under_1500_ms": browser["first_block_ms"]["max"] < 1500,
            "first_block_under_quarter_of_complete": first < complete / 4,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
