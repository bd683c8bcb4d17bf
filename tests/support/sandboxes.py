"""Helpers of the sandbox tests: the shared sandbox fixture, tagged runs, leftover processes."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from backend.app.problem_generator.sandbox import RunResult, Sandbox

NOBODY = 65534
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    """The default sandbox; the test fails with the probe's reason if runs cannot start."""
    box = Sandbox()
    reason = box.unavailable_reason()
    assert reason is None, f"the sandbox cannot start here: {reason}"
    return box


def tagged(source: str) -> tuple[str, str]:
    """`source` preceded by a line that names its process (and children) uniquely."""
    tag = "sbx" + uuid.uuid4().hex[:12]
    prelude = f"import ctypes as _c\n_c.CDLL(None).prctl(15, b{tag!r}, 0, 0, 0)\ndel _c\n"
    return tag, prelude + source


def processes_named(tag: str) -> list[tuple[int, int]]:
    """(pid, real uid) of the host's processes called `tag`, zombies included."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as comm:
                if comm.read().strip() != tag:
                    continue
            with open(f"/proc/{entry}/status") as status:
                uid = next(line for line in status if line.startswith("Uid:")).split()[1]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue  # it ended while we looked
        found.append((int(entry), int(uid)))
    return found


def assert_contained(sandbox: Sandbox, result: RunResult, tag: str) -> str:
    """The run failed with a reason, left no process, and the next run works; the reason."""
    assert not result.ok, result
    reason = result.failure()
    assert reason, result
    assert processes_named(tag) == []
    again = sandbox.run("print(input()[::-1])", "olleh\n")
    assert (again.ok, again.stdout) == (True, "hello\n"), again
    return reason


def sandbox_processes() -> list[str]:
    """pid and command line of every bwrap, or solution in a sandbox, on the host."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended while we looked
        if "bwrap" in cmdline or "/sandbox/solution.py" in cmdline:
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found
