"""Solutions that exhaust a limit fail with a reason naming it and leave nothing behind."""

from __future__ import annotations

import threading

from backend.app.problem_generator.sandbox import Sandbox, SandboxLimits
from tests.support.sandboxes import assert_contained, processes_named, tagged


def test_a_fork_bomb_meets_the_process_limit(sandbox):
    tag, source = tagged(
        "import os, time\n"
        "children = 0\n"
        "try:\n"
        "    while True:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(60)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "finally:\n"
        "    print(children, flush=True)\n"
    )

    result = sandbox.run(source, "")

    # The launcher and the solution count too: RLIMIT_NPROC holds the rest.
    assert 0 < int(result.stdout) <= sandbox.limits.processes - 2
    reason = assert_contained(sandbox, result, tag)
    assert reason == "exit code 1: BlockingIOError: [Errno 11] Resource temporarily unavailable"


def test_an_endless_loop_meets_the_cpu_limit():
    box = Sandbox(SandboxLimits(cpu_seconds=1, wall_seconds=30))
    tag, source = tagged("while True:\n    pass\n")

    result = box.run(source, "")

    assert not result.timed_out
    assert assert_contained(box, result, tag) == "CPU time limit (1 s) reached"


def test_ignoring_sigxcpu_still_ends_at_the_cpu_limit():
    box = Sandbox(SandboxLimits(cpu_seconds=1, wall_seconds=30))
    tag, source = tagged(
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )

    result = box.run(source, "")

    assert assert_contained(box, result, tag) == "CPU time limit (1 s) reached"


def test_allocating_4_gb_meets_the_memory_limit(sandbox):
    tag, source = tagged("data = bytearray(4 * 2**30)\nprint(len(data))\n")

    result = sandbox.run(source, "")

    assert result.stdout == ""
    assert assert_contained(sandbox, result, tag) == "exit code 1: MemoryError"


def test_printing_100_mb_is_cut_at_the_output_cap(sandbox):
    tag, source = tagged("import sys\nsys.stdout.write('x' * 100_000_000)\n")

    result = sandbox.run(source, "")

    assert result.output_limited
    assert len(result.stdout.encode()) <= sandbox.limits.output_bytes
    assert set(result.stdout) == {"x"}
    assert assert_contained(sandbox, result, tag) == "output over 1 MiB"


def test_a_flood_on_stderr_is_capped_too(sandbox):
    tag, source = tagged("import sys\nsys.stderr.write('e' * 100_000_000)\n")

    result = sandbox.run(source, "")

    assert len(result.stderr_tail) <= 2000 and result.stderr_limited
    assert assert_contained(sandbox, result, tag) == "error output over 1 MiB"


def test_sleeping_past_the_wall_clock_is_killed():
    box = Sandbox(SandboxLimits(wall_seconds=1))
    tag, source = tagged(
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"  # a child in its own session: the PID namespace still holds it
        "else:\n"
        "    print('started', flush=True)\n"
        "time.sleep(60)\n"
    )

    result = box.run(source, "")

    assert (result.timed_out, result.exit_code) == (True, None)
    assert result.stdout == "started\n"
    assert assert_contained(box, result, tag) == "timed out after 1 s"


def test_children_left_running_are_killed_and_fail_the_run(sandbox):
    tag, source = tagged(
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(60)\n"
        "    print('late')\n"
        "print('done')\n"
    )

    result = sandbox.run(source, "")

    assert result.stdout == "done\n"
    assert not result.timed_out
    reason = assert_contained(sandbox, result, tag)
    assert (
        reason == "exit code 1: LeftoverProcesses: the solution exited with processes still running"
    )


def test_the_process_limit_is_per_run_not_shared(sandbox):
    """Each run has its own user namespace, so one run's processes do not starve another's."""
    hold_tag, hold = tagged(
        "import os, time\n"
        "for _ in range(8):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(3)\n"
        "        os._exit(0)\n"
        "print('holding', flush=True)\n"
        "time.sleep(3)\n"
    )
    results = {}
    holder = threading.Thread(target=lambda: results.update(hold=sandbox.run(hold, "")))
    holder.start()
    try:
        while holder.is_alive() and len(processes_named(hold_tag)) < 9:
            pass  # wait until the first run holds its 9 processes
        # 10 processes at once here too: 19 for nobody on the host, over the limit of 16.
        spawn = "import os, time\nfor _ in range(8):\n    if os.fork() == 0:\n"
        spawn += "        time.sleep(0.5)\n        os._exit(0)\n"
        spawn += "for _ in range(8):\n    os.wait()\nprint('spawned')\n"
        results["spawn"] = sandbox.run(spawn, "")
    finally:
        holder.join()

    assert results["spawn"].stdout == "spawned\n", results["spawn"]
    assert results["hold"].stdout == "holding\n"
