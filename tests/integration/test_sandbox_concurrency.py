"""At most N runs at once, waited on cooperatively under gevent; a machine without bwrap."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

import pytest
from prometheus_client import REGISTRY

from backend.app.problem_generator.sandbox import Sandbox, SandboxUnavailable, runner
from tests.support.sandboxes import REPOSITORY, sandbox_processes

# Each run reports when it started and ended by the wall clock, which the sandbox shares
# with the host: the overlap is measured where it happens, not around the semaphore.
TIMED = "import time\nstart = time.time()\ntime.sleep(float(input()))\nprint(start, time.time())\n"


def most_at_once(outputs: list[str]) -> int:
    """The largest number of the runs' [start, end] intervals that overlap."""
    edges = []
    for output in outputs:
        start, end = map(float, output.split())
        edges += [(start, 1), (end, -1)]
    running = peak = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        running += step
        peak = max(peak, running)
    return peak


def test_threads_share_at_most_max_concurrent_runs():
    box = Sandbox(max_concurrent=2)
    assert box.unavailable_reason() is None
    outputs: list[str] = []

    def one() -> None:
        result = box.run(TIMED, "0.6\n")
        assert result.ok, result
        outputs.append(result.stdout)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outputs) == 4
    assert most_at_once(outputs) == 2


GEVENT_SCRIPT = """
from gevent import monkey
monkey.patch_all()
import json, sys, time
import gevent
from backend.app.problem_generator.sandbox import Sandbox, SandboxLimits

box = Sandbox(max_concurrent=2)
assert box.unavailable_reason() is None, box.unavailable_reason()
ticks = 0
def tick():
    global ticks
    while True:
        gevent.sleep(0.01)
        ticks += 1
ticker = gevent.spawn(tick)
started = time.monotonic()
runs = [gevent.spawn(box.run, sys.argv[1], "0.6\\n") for _ in range(4)]
gevent.joinall(runs, raise_error=True)
elapsed = time.monotonic() - started
hung = Sandbox(SandboxLimits(wall_seconds=1)).run("import time; time.sleep(60)", "")
ticker.kill()
print(json.dumps({"outputs": [run.value.stdout for run in runs],
                  "ok": [run.value.ok for run in runs], "ticks": ticks, "elapsed": elapsed,
                  "hung": hung.failure()}))
"""


def test_gevent_greenlets_wait_cooperatively_and_share_at_most_max_concurrent():
    done = subprocess.run(
        [sys.executable, "-c", GEVENT_SCRIPT, TIMED],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPOSITORY,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    assert report["ok"] == [True] * 4
    assert most_at_once(report["outputs"]) == 2
    # The hub kept running while the runs waited: a 10 ms ticker advanced throughout
    # (generous margin: a busy machine may stretch every tick).
    assert report["ticks"] >= report["elapsed"] / 0.01 / 5
    assert report["hung"] == "timed out after 1 s"  # the wall clock holds under gevent too


def test_without_bwrap_there_is_a_reason_and_run_refuses():
    box = Sandbox(bwrap="/nonexistent/bwrap")

    reason = box.unavailable_reason()

    assert reason == "bubblewrap (bwrap) is not installed (nothing at /nonexistent/bwrap)"
    with pytest.raises(SandboxUnavailable) as refused:
        box.run("print(1)", "")
    assert refused.value.reason == reason


def test_without_a_usable_interpreter_there_is_a_reason():
    box = Sandbox(interpreters=("/nonexistent/python3",))

    reason = box.unavailable_reason()

    assert reason == (
        "no Python interpreter starts in the sandbox (no interpreter at /nonexistent/python3)"
    )


REFUSING_BWRAP = """#!/bin/sh
echo "bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
exit 1
"""


def test_refused_user_namespaces_give_bwraps_own_words():
    # Readable by nobody, whom a root server starts bwrap as (pytest's tmp_path is 0700).
    folder = tempfile.mkdtemp(prefix="refusing-bwrap-")
    try:
        os.chmod(folder, 0o755)
        fake = os.path.join(folder, "bwrap")
        with open(fake, "w") as script:
            script.write(REFUSING_BWRAP)
        os.chmod(fake, 0o755)

        reason = Sandbox(bwrap=fake).unavailable_reason()
    finally:
        shutil.rmtree(folder)

    assert reason is not None
    assert reason.startswith("no Python interpreter starts in the sandbox (")
    assert reason.endswith(
        "does not start in the sandbox: bwrap: No permissions to create a new namespace,"
        " likely because the kernel does not allow non-privileged user namespaces.)"
    )


def test_the_probe_runs_once_for_many_callers(monkeypatch):
    calls = []
    real = runner.find_setup

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(runner, "find_setup", counted)
    box = Sandbox()
    reasons = []
    threads = [
        threading.Thread(target=lambda: reasons.append(box.unavailable_reason())) for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert reasons == [None] * 5
    assert len(calls) == 1


def sample(outcome: str) -> float:
    """How many runs the histogram has seen with this outcome."""
    value = REGISTRY.get_sample_value("tutor_sandbox_run_seconds_count", {"outcome": outcome})
    return value or 0.0


def test_each_run_is_observed_by_outcome(sandbox):
    before = {outcome: sample(outcome) for outcome in ("ok", "error")}

    sandbox.run("print(1)", "")
    sandbox.run("raise SystemExit(2)", "")

    assert sample("ok") == before["ok"] + 1
    assert sample("error") == before["error"] + 1


GREENLET_KILLED = """
from gevent import monkey
monkey.patch_all()
import json, sys, time
import gevent
sys.path.insert(0, sys.argv[1])
from backend.app.problem_generator.sandbox import Sandbox
from tests.support.sandboxes import sandbox_processes
box = Sandbox()
assert box.unavailable_reason() is None
run = gevent.spawn(box.run, "import time\\ntime.sleep(60)\\n", "")
gevent.sleep(1.0)  # the solution is asleep in its sandbox
running = len(sandbox_processes())
run.kill()
time.sleep(0.5)  # this process lives on: --die-with-parent alone would not end the run
print(json.dumps({"killed": run.dead, "running": running, "left": sandbox_processes()}))
"""


def test_a_run_whose_caller_is_killed_takes_its_sandbox_with_it():
    before = set(sandbox_processes())
    done = subprocess.run(
        [sys.executable, "-c", GREENLET_KILLED, str(REPOSITORY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["killed"] and report["running"] > 0, report
    assert report["left"] == [], report
    assert set(sandbox_processes()) - before == set()
