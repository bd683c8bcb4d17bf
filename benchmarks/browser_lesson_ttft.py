"""A streamed lesson as the learner sees it: click to first text on screen, beside the moment
the model wrote it.

Prints one JSON object. A live `gunicorn -k gevent` (2 workers) serves the built client and
the offline model at 40 tokens/s; Debian Chromium (playwright-core, headless) registers once,
then for each run opens the lesson page, clicks a section and records in the page:

- `first_text_ms`: from the click event to the animation frame after the lesson's first text
  enters the DOM: the preview of the block being written (DESIGN 4.2.3) or a rendered block
  (two requestAnimationFrame callbacks: the frame that paints it has been produced);
- `first_text_render_ms`: the same, from the browser's Element Timing render time (the paint
  itself, where Chromium reports it);
- `first_block_ms` / `first_block_render_ms`: the same for the first rendered block;
- `complete_ms`: from the click to the frame after the lesson shows as complete.

The server logs `first_text_at` (wall clock) when the model wrote the lesson's first readable
character; with the click's wall clock from the page (same machine, same clock):
`click_to_first_text_ms` (what the server and the model take) and
`visible_minus_first_text_ms` (what delivery and the client add; target <= 150 ms), medians of
the per-run figures. `without_previews` repeats the start with `?preview=1` taken off the
stream URL (stopped at the first block): there the first text on screen is the first block.

Beside it, `http_baseline` times session/start, then the SSE stream to its first
`theory_block` and to `stream_complete` with a plain HTTP client.

Targets: first text on screen at most 150 ms after the model wrote it; first block under
1.5 s and under a quarter of the complete lesson (issue 6).

    .venv/bin/python -m benchmarks.browser_lesson_ttft [--runs 5] [--runs-without-previews 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.live_server import REPO_ROOT, start_live_server

FRONTEND = REPO_ROOT / "frontend"
# The lesson tool's log line when the model wrote the first readable character.
FIRST_TEXT_AT = re.compile(r"first_text_at=(\d+\.\d+)")


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


def with_first_text(samples: list[dict], log_text: str) -> list[dict]:
    """Each browser sample with the model's first text of its lesson from the server log.

    Runs are sequential: a run's lesson is the first one whose first text comes after its
    click and before the next run's click.
    """
    written = sorted(float(match) * 1000 for match in FIRST_TEXT_AT.findall(log_text))
    ordered = sorted(samples, key=lambda sample: sample["click_at"])
    paired = []
    for index, sample in enumerate(ordered):
        until = ordered[index + 1]["click_at"] if index + 1 < len(ordered) else float("inf")
        at = next((t for t in written if sample["click_at"] <= t < until), None)
        visible = sample["first_text_visible_at"]
        paired.append(
            {
                **sample,
                "first_text_written_at": None if at is None else round(at, 1),
                "click_to_first_text_ms": None if at is None else round(at - sample["click_at"]),
                "visible_minus_first_text_ms": None if at is None else round(visible - at),
            }
        )
    return paired


def medians(samples: list[dict], *keys: str) -> dict:
    """The median of each key over the samples that have it (None when none has)."""
    result = {}
    for key in keys:
        values = [sample[key] for sample in samples if sample.get(key) is not None]
        result[key] = round(statistics.median(values)) if values else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-without-previews", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=3)
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
            baseline = http_baseline(server.base_url, args.baseline_runs)
            off = args.runs_without_previews
            done = subprocess.run(
                ["node", "e2e/lesson_ttft.bench.mjs", server.base_url, str(args.runs), str(off)],
                cwd=FRONTEND,
                capture_output=True,
                text=True,
                timeout=60 + 60 * args.runs + 30 * off,
                check=False,
            )
        finally:
            server.stop()
        log_text = server.log()
    if done.returncode != 0:
        sys.exit(f"browser benchmark failed:\n{done.stdout}\n{done.stderr}")
    browser = json.loads(done.stdout.strip().splitlines()[-1])
    samples = with_first_text(browser.pop("samples"), log_text)
    figures = ("click_to_first_text_ms", "visible_minus_first_text_ms")
    with_previews = [sample for sample in samples if sample["previews"]]
    without = [sample for sample in samples if not sample["previews"]]
    lag = medians(with_previews, *figures)
    first = browser["first_block_ms"]["median"]
    complete = browser["complete_ms"]["median"]
    result = {
        "benchmark": "browser_lesson_ttft",
        "tokens_per_second": args.tokens_per_second,
        "workers": 2,
        **browser,
        **lag,
        "without_previews": browser["without_previews"]
        and {**browser["without_previews"], **medians(without, *figures)},
        "http_baseline": baseline,
        "targets": {
            "visible_within_150_ms_of_first_text": lag["visible_minus_first_text_ms"] is not None
            and lag["visible_minus_first_text_ms"] <= 150,
            "first_block_under_1500_ms": browser["first_block_ms"]["max"] < 1500,
            "first_block_under_quarter_of_complete": first < complete / 4,
        },
        "samples": samples,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
