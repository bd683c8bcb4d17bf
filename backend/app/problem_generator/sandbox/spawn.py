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
    """A started bwrap: its pid, a pidfd that turns readable when it ends, its status file."""

    pid: int
    pidfd: int
    status_fd: int

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
        return status_value(self.status_fd, "exit-code", default=1)

    def kill(self) -> None:
        """SIGKILL bwrap (its sandbox dies with it: --die-with-parent)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        """Release the pidfd (after the child was reaped)."""
        os.close(self.pidfd)


def spawn(
    argv: list[str], stdin_fd: int, stdout_fd: int, stderr_fd: int, solution_fd: int, status_fd: int
) -> Child:
    """Start `argv` with exactly these six descriptors (0-4 in the child), in a new session."""
    sources = (stdin_fd, stdout_fd, stderr_fd, solution_fd, status_fd)
    # Each source is first copied above every fd in play, so that placing them at 0-4 can
    # never overwrite a source not yet placed; then the copies are closed.
    high = max(*sources, 4) + 1
    # A descriptor someone made inheritable would pass through bwrap into the sandbox.
    actions = [
        (os.POSIX_SPAWN_CLOSE, fd)
        for fd in _inheritable_fds()
        if fd >= len(sources) and fd not in sources
    ]
    actions += [(os.POSIX_SPAWN_DUP2, fd, high + i) for i, fd in enumerate(sources)]
    actions += [(os.POSIX_SPAWN_DUP2, high + i, i) for i in range(len(sources))]
    actions += [(os.POSIX_SPAWN_CLOSE, high + i) for i in range(len(sources))]
    pid = os.posix_spawn(
        argv[0],
        argv,
        {},  # not even bwrap gets the server's environment
        file_actions=actions,
        setsid=True,
        setsigmask=(),
        setsigdef=_DEFAULT_SIGNALS,
    )
    # No yield since the spawn, so nobody can have reaped it yet: the pid is still ours.
    return Child(pid, os.pidfd_open(pid), status_fd)


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
