"""Start bwrap with posix_spawn and wait for it on a pidfd: cheap for a big worker process.

`subprocess.Popen` forks: under gevent the whole worker (hundreds of MB of page tables)
is copied for every run, about 20 ms in which the hub serves nobody. posix_spawn starts
the child with vfork semantics (nothing copied). The wait is a `select` on the child's
pidfd, which gevent's monkey patching makes cooperative; the exit status comes from
bwrap's `--json-status-fd`, since gevent's SIGCHLD handling may reap the child first.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
from dataclasses import dataclass

# The fds the child gets for the solution's source and bwrap's status (bwrap's argv names
# them); 0-2 are the run's stdin, stdout and stderr.
SOLUTION_FD = 3
STATUS_FD = 4
# Signals Python ignores that a program started from it should get back (as Popen does).
_DEFAULT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ", "SIGXFZ") if hasattr(signal, name)
)


@dataclass
class Child:
    """A started process: its pid, a pidfd that turns readable when it ends, bwrap's status."""

    pid: int
    pidfd: int
    status_fd: int | None = None  # bwrap's --json-status-fd file, for a sandboxed run

    def wait(self, timeout: float) -> bool:
        """Whether it ended within `timeout` seconds (cooperative under gevent)."""
        ready, _, _ = select.select([self.pidfd], [], [], timeout)
        return bool(ready)

    def exit_code(self) -> int:
        """Its exit code once it ended, reaping it if nobody else has."""
        try:
            _, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            status = None  # gevent's SIGCHLD handler reaped it: bwrap's status file tells
        if status is not None:
            return os.waitstatus_to_exitcode(status)
        if self.status_fd is None:
            return 1  # reaped by someone else, with nothing that kept its status
        return status_value(self.status_fd, "exit-code", default=1)

    def kill(self) -> None:
        """SIGKILL bwrap (its sandbox dies with it: --die-with-parent)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        """Release the pidfd (after the child was reaped)."""
        os.close(self.pidfd)


def spawn(
    argv: list[str],
    fds: tuple[int, ...],
    env: dict[str, str] | None = None,
    status_fd: int | None = None,
) -> Child:
    """Start `argv` with exactly `fds` (as 0, 1, 2, ... in the child), in a new session.

    `env` is the whole environment (empty unless given: not even bwrap gets the server's);
    `status_fd` is where a bwrap among them writes its JSON status.
    """
    # Each source is first copied above every fd in play, so that placing them at 0, 1, ...
    # can never overwrite a source not yet placed; then the copies are closed.
    high = max(*fds, len(fds)) + 1
    # A descriptor someone made inheritable would pass through bwrap into the sandbox.
    actions = [
        (os.POSIX_SPAWN_CLOSE, fd) for fd in _inheritable_fds() if fd >= len(fds) and fd not in fds
    ]
    actions += [(os.POSIX_SPAWN_DUP2, fd, high + i) for i, fd in enumerate(fds)]
    actions += [(os.POSIX_SPAWN_DUP2, high + i, i) for i in range(len(fds))]
    actions += [(os.POSIX_SPAWN_CLOSE, high + i) for i in range(len(fds))]
    pid = os.posix_spawn(
        argv[0],
        argv,
        env or {},
        file_actions=actions,
        setsid=True,
        setsigmask=(),
        setsigdef=_DEFAULT_SIGNALS,
    )
    # No yield since the spawn, so nobody can have reaped it yet: the pid is still ours.
    return Child(pid, os.pidfd_open(pid), status_fd)


def capture(argv: list[str], timeout: float) -> tuple[str, str]:
    """Run a trusted helper (ldd, `bwrap --help`) to its end: its stdout and stderr.

    Like every process the sandbox starts, it is spawned, not forked: the probe runs in a
    worker that is already serving streams. Raises OSError when it cannot start and
    TimeoutError when it outlives `timeout` (it is killed then).
    """
    opened = [os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)]
    try:
        opened += [os.memfd_create("stdout"), os.memfd_create("stderr")]
        child = spawn(argv, tuple(opened), env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
        try:
            if not child.wait(timeout):
                child.kill()
                raise TimeoutError(f"{argv[0]} did not finish within {timeout:g} s")
            child.exit_code()  # reaps it
        finally:
            child.close()
        return tuple(_read_all(fd) for fd in opened[1:])  # type: ignore[return-value]
    finally:
        for fd in opened:
            os.close(fd)


def _read_all(fd: int) -> str:
    return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")


def status_value(status_fd: int, key: str, default: int | None = None) -> int | None:
    """A value bwrap wrote to its JSON status file (`child-pid`, `exit-code`)."""
    text = os.pread(status_fd, 65536, 0).decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        try:
            document, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        if isinstance(document, dict) and isinstance(document.get(key), int):
            return document[key]
    return default


def _inheritable_fds() -> list[int]:
    """This process's descriptors that an exec would pass on."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        with contextlib.suppress(OSError):  # the listing's own descriptor, now closed
            if os.get_inheritable(fd):
                found.append(fd)
    return found
