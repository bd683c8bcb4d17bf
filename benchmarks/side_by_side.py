"""Lesson block latency of this checkout against an earlier commit, run alternately.

Prints one JSON object. `python -m benchmarks.side_by_side --before <commit> [--runs N]`
checks the commit out into a temporary git worktree and runs `benchmarks.stream_latency
--skip-ttft` there and here in turns (before, after, before, after, ...), with this
checkout's Python, so both see the same machine load over the same minutes: on a shared
machine only a ratio measured this way is worth trusting. It reports block-latency p50 and
p99 and the worker's CPU share at 1, 100 and 200 concurrent streams for every run, their
medians, and after/before ratios of the medians (the CPU share varies far less from run to
run than a p99 at 200 streams, where the worker, the fake and the clients share two cores).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ("1", "100", "200")
FIGURES = ("p50", "p99", "worker_cpu_share")


def run_benchmark(checkout: Path) -> dict:
    """One stream_latency run in `checkout`; its block-latency figures per level."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.stream_latency", "--skip-ttft"],
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    levels = json.loads(output)["concurrency"]
    return {
        level: {
            **levels[level]["block_latency_ms"],
            "worker_cpu_share": levels[level]["cpu_share"]["worker"],
        }
        for level in LEVELS
    }


def medians(runs: list[dict]) -> dict:
    """The median of each figure of each level over the runs."""
    return {
        level: {figure: statistics.median(run[level][figure] for run in runs) for figure in FIGURES}
        for level in LEVELS
    }


def main() -> None:
    """Run both checkouts in turns and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=3, help="runs of each checkout")
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(before), args.before],
            cwd=ROOT,
            check=True,
        )
        try:
            for _ in range(args.runs):
                runs["before"].append(run_benchmark(before))
                runs["after"].append(run_benchmark(ROOT))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=True
            )
    middle = {name: medians(found) for name, found in runs.items()}
    ratios = {
        level: {
            figure: round(middle["after"][level][figure] / middle["before"][level][figure], 2)
            for figure in FIGURES
        }
        for level in LEVELS
    }
    report = {
        "benchmark": "side_by_side",
        "before": args.before,
        "runs": runs,
        "median_ms": middle,
        "after_over_before": ratios,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
