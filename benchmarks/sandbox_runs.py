"""Sandbox runs (DESIGN 4.3): start-up of one run, and a two-example verification.

Prints one JSON object. One `Sandbox` with the default limits, probed once (its time is
reported apart). Then, one after another on an otherwise idle worker:

- start-up: a trivial solution (`print(1)`), one run: bwrap, namespaces, mounts, the
  interpreter starting and exiting. The time around `Sandbox.run` and the run's own
  `duration_ms` (from spawning bwrap to its exit).
- verification: `verify_examples` (backend/app/problem_generator/verification.py) on a
  problem with two examples and a correct solution, so both examples run; target p50 at
  most 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from backend.app.domain.problems import Example
from backend.app.problem_generator.sandbox import Sandbox
from backend.app.problem_generator.verification import verify_examples
from benchmarks.common import percentile, summary

TARGET_VERIFICATION_P50_MS = 300.0
SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"
EXAMPLES = [
    Example(input="1 2\n", output="3\n", explanation="1 + 2"),
    Example(input="40 2\n", output="42\n", explanation="40 + 2"),
]


def figures(values: list[float]) -> dict:
    """p50/p95/max in ms, rounded."""
    return summary(values, (0.5, 0.95), digits=1)


def time_startup(sandbox: Sandbox, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds around each trivial run, and each run's own duration_ms."""
    outer, inner = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = sandbox.run("print(1)", "")
        outer.append((time.perf_counter() - started) * 1000)
        if not result.ok or result.stdout != "1\n":
            raise SystemExit(f"a trivial run failed: {result}")
        inner.append(result.duration_ms)
    return outer, inner


def time_verification(sandbox: Sandbox, runs: int) -> list[float]:
    """Milliseconds for each whole two-example verification."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        verification = verify_examples(sandbox, SOLUTION, EXAMPLES)
        times.append((time.perf_counter() - started) * 1000)
        if verification.status != "passed":
            raise SystemExit(f"the verification did not pass: {verification.to_api()}")
    return times


def main() -> None:
    """Parse arguments, run both measurements, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="samples per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    args = parser.parse_args()

    sandbox = Sandbox()
    started = time.perf_counter()
    reason = sandbox.unavailable_reason()
    probe_ms = (time.perf_counter() - started) * 1000
    if reason is not None:
        raise SystemExit(f"the sandbox cannot start here: {reason}")
    time_startup(sandbox, args.warmup)

    outer, inner = time_startup(sandbox, args.runs)
    verification = time_verification(sandbox, args.runs)
    p50 = percentile(verification, 0.5)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "interpreter": sandbox.interpreter,
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "probe_ms": round(probe_ms, 1),
                "startup_ms": figures(outer),
                "startup_run_duration_ms": figures(inner),
                "verification_timed": "verify_examples, 2 examples (two sandboxed runs)",
                "verification_ms": figures(verification),
                "verification_target_p50_ms": TARGET_VERIFICATION_P50_MS,
                "verification_target_met": p50 is not None and p50 <= TARGET_VERIFICATION_P50_MS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
