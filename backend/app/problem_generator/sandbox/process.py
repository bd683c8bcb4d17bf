"""One run: bwrap as a child process, its input and output in memory files.

stdout and stderr are `memfd` files rather than pipes: RLIMIT_FSIZE then caps them in the
kernel (a solution printing 100 MB gets EFBIG at the cap), nobody has to drain a pipe while
the run goes on, and the parent reads at most the cap once it ends. Nothing touches disk.
bwrap is started with posix_spawn and waited on through a pidfd (see spawn.py): under
gevent's monkey patching the wait is cooperative and the start copies nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass

from .command import bwrap_argv
from .interpreter import Interpreter
from .limits import SandboxLimits
from .result import STDERR_TAIL_CHARS, RunResult, SandboxUnavailable
from .spawn import SOLUTION_FD, STATUS_FD, Child, spawn, status_value

_STOP_GRACE_SECONDS = 5.0  # bwrap exits as soon as the sandbox's PID 1 is gone


@dataclass(frozen=True)
class Setup:
    """What the probe found that every run needs."""

    bwrap: str
    interpreter: Interpreter
    disable_userns: bool
    # What starts bwrap as an unprivileged user when the server runs as root (setpriv).
    drop_root: tuple[str, ...] = ()


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
        stdin_fd = os.open(f"/proc/self/fd/{writable}", os.O_RDONLY | os.O_CLOEXEC)
        opened.append(stdin_fd)
        out, err, status = memfd("stdout"), memfd("stderr"), memfd("bwrap-status")
        argv = [
            *setup.drop_root,
            *bwrap_argv(
                setup.bwrap,
                setup.interpreter,
                limits,
                SOLUTION_FD,
                STATUS_FD,
                setup.disable_userns,
            ),
        ]
        started = time.perf_counter()
        try:
            # They become the child's 0-4: 3 and 4 are the ones bwrap's argv names.
            child = spawn(argv, (stdin_fd, out, err, solution, status), status_fd=status)
        except OSError as error:
            raise SandboxUnavailable(f"bubblewrap could not start: {error}") from error
        try:
            timed_out = not child.wait(limits.wall_seconds)
            if timed_out:
                _stop(child)
            exit_code = child.exit_code()
        except BaseException:
            # The caller is going away mid-run (its greenlet killed, say): nobody would
            # enforce the wall clock any more, so the sandbox goes now (--die-with-parent).
            child.kill()
            raise
        finally:
            child.close()
        duration_ms = (time.perf_counter() - started) * 1000
        size = os.fstat(out).st_size
        return RunResult(
            stdout=os.pread(out, limits.output_bytes, 0).decode("utf-8", "replace"),
            stderr_tail=_tail(err),
            exit_code=None if timed_out else exit_code,
            timed_out=timed_out,
            output_limited=size >= limits.output_bytes,
            duration_ms=duration_ms,
            stderr_limited=os.fstat(err).st_size >= limits.output_bytes,
            limits=limits,
        )
    finally:
        for fd in opened:
            os.close(fd)


def _tail(fd: int) -> str:
    """The last STDERR_TAIL_CHARS characters written to `fd`."""
    size = os.fstat(fd).st_size
    start = max(0, size - 4 * STDERR_TAIL_CHARS)  # utf-8: at most 4 bytes a character
    text = os.pread(fd, size - start, start).decode("utf-8", "replace")
    return text[-STDERR_TAIL_CHARS:]


def _stop(child: Child) -> None:
    """Kill a run at the wall clock: its PID 1, which takes the whole namespace with it."""
    init = _sandbox_init(child)
    if init is not None:
        with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.kill(init, signal.SIGKILL)
    if not child.wait(_STOP_GRACE_SECONDS):
        # bwrap itself hangs: killing it kills the sandbox too (--die-with-parent).
        child.kill()
        child.wait(_STOP_GRACE_SECONDS)


def _sandbox_init(child: Child) -> int | None:
    """The host PID of the sandbox's PID 1, checked to be bwrap's child before use."""
    pid = status_value(child.status_fd, "child-pid")
    if pid is None:
        return None  # bwrap not yet set up: killing bwrap below is enough
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pid if parent == child.pid else None
