"""One run: bwrap as a child process, its input and output in memory files.

stdout and stderr are `memfd` files rather than pipes: RLIMIT_FSIZE then caps them in the
kernel (a solution printing 100 MB gets EFBIG at the cap), nobody has to drain a pipe while
the run goes on, and the parent reads at most the cap once it ends. Nothing touches disk.
`subprocess` is looked up at call time, so under gevent's monkey patching the wait is
cooperative: the hub keeps serving while a solution runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass

from .command import SANDBOX_UID, bwrap_argv
from .interpreter import Interpreter
from .limits import SandboxLimits
from .result import STDERR_TAIL_CHARS, RunResult, SandboxUnavailable

_STOP_GRACE_SECONDS = 5.0  # bwrap exits as soon as the sandbox's PID 1 is gone


@dataclass(frozen=True)
class Setup:
    """What the probe found that every run needs."""

    bwrap: str
    interpreter: Interpreter
    disable_userns: bool


def execute(setup: Setup, limits: SandboxLimits, source: str, stdin: str) -> RunResult:
    """Run `source` with `stdin` in a fresh sandbox and wait for it (or the wall clock)."""
    opened: list[int] = []

    def memfd(name: str, data: bytes = b"") -> int:
        fd = os.memfd_create(name)
        opened.append(fd)
        if data:
            os.write(fd, data)
        return fd

    try:
        solution = memfd("solution", source.encode("utf-8", "surrogatepass"))
        os.lseek(solution, 0, os.SEEK_SET)
        # The solution gets its stdin read-only: a fresh open of the memfd, not the
        # writable descriptor itself.
        writable = memfd("stdin", stdin.encode("utf-8", "surrogatepass"))
        stdin_fd = os.open(f"/proc/self/fd/{writable}", os.O_RDONLY)
        opened.append(stdin_fd)
        out, err, info = memfd("stdout"), memfd("stderr"), memfd("bwrap-info")
        argv = bwrap_argv(
            setup.bwrap, setup.interpreter, limits, solution, info, setup.disable_userns
        )
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                argv,
                stdin=stdin_fd,
                stdout=out,
                stderr=err,
                pass_fds=(solution, info),
                # Not even bwrap gets the server's environment: as nobody on the host, its
                # /proc/PID/environ would be readable by any other process running as nobody.
                env={},
                start_new_session=True,
                **_identity(),
            )
        except OSError as error:
            raise SandboxUnavailable(f"bubblewrap could not start: {error}") from error
        timed_out = False
        try:
            process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _stop(process, info)
        duration_ms = (time.perf_counter() - started) * 1000
        size = os.fstat(out).st_size
        return RunResult(
            stdout=os.pread(out, limits.output_bytes, 0).decode("utf-8", "replace"),
            stderr_tail=_tail(err),
            exit_code=None if timed_out else process.returncode,
            timed_out=timed_out,
            output_limited=size >= limits.output_bytes,
            duration_ms=duration_ms,
            stderr_limited=os.fstat(err).st_size >= limits.output_bytes,
            limits=limits,
        )
    finally:
        for fd in opened:
            os.close(fd)


def _identity() -> dict:
    """Popen arguments: a root server starts bwrap as nobody, so nothing runs as root."""
    if os.geteuid() != 0:
        return {}  # bwrap maps the server's own unprivileged user to nobody inside
    return {"user": SANDBOX_UID, "group": SANDBOX_UID, "extra_groups": []}


def _tail(fd: int) -> str:
    """The last STDERR_TAIL_CHARS characters written to `fd`."""
    size = os.fstat(fd).st_size
    start = max(0, size - 4 * STDERR_TAIL_CHARS)  # utf-8: at most 4 bytes a character
    text = os.pread(fd, size - start, start).decode("utf-8", "replace")
    return text[-STDERR_TAIL_CHARS:]


def _stop(process: subprocess.Popen, info_fd: int) -> None:
    """Kill a run at the wall clock: its PID 1, which takes the whole namespace with it."""
    init = _sandbox_init(process.pid, info_fd)
    if init is not None:
        with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.kill(init, signal.SIGKILL)
    try:
        process.wait(timeout=_STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        # bwrap itself hangs: killing it kills the sandbox too (--die-with-parent).
        process.kill()
        process.wait()


def _sandbox_init(bwrap_pid: int, info_fd: int) -> int | None:
    """The host PID of the sandbox's PID 1, checked to be bwrap's child before use."""
    try:
        pid = int(json.loads(os.pread(info_fd, 4096, 0))["child-pid"])
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # bwrap not yet set up: killing bwrap below is enough
    return pid if parent == bwrap_pid else None
