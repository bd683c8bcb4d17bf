"""Can runs start here? bwrap present, namespaces allowed, an interpreter that starts."""

from __future__ import annotations

import dataclasses
import os
import shutil

from .command import SANDBOX_UID
from .interpreter import InterpreterError, candidates, describe
from .limits import SandboxLimits
from .process import Setup, execute
from .result import SandboxUnavailable
from .spawn import capture

PROBE_SOURCE = "print(1)"
_PROBE_WALL_SECONDS = 20.0  # a cold page cache on a busy machine, not a solution's budget


def find_setup(bwrap: str, limits: SandboxLimits, interpreters: tuple[str, ...] | None) -> Setup:
    """The setup runs use; raises SandboxUnavailable with the reason when there is none."""
    path = _find_bwrap(bwrap)
    disable_userns = _supports(path, "--disable-userns")
    drop_root = _drop_root()
    probe_limits = dataclasses.replace(
        limits, wall_seconds=max(limits.wall_seconds, _PROBE_WALL_SECONDS)
    )
    errors = []
    for executable in interpreters if interpreters is not None else candidates():
        try:
            setup = Setup(path, describe(executable), disable_userns, drop_root)
        except InterpreterError as error:
            errors.append(str(error))
            continue
        result = execute(setup, probe_limits, PROBE_SOURCE, "")
        if result.ok and result.stdout == "1\n":
            return setup
        errors.append(f"{executable} does not start in the sandbox: {_why(result)}")
    last = errors[-1] if errors else "no interpreter to try"
    raise SandboxUnavailable(f"no Python interpreter starts in the sandbox ({last})")


def _find_bwrap(bwrap: str) -> str:
    """The bwrap executable, or SandboxUnavailable saying it is not installed."""
    found = shutil.which(bwrap)
    if found is None:
        where = f" (nothing at {bwrap})" if os.sep in bwrap else ""
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed{where}")
    return found


def _drop_root() -> tuple[str, ...]:
    """The prefix that starts bwrap as nobody when the server is root (none otherwise).

    As root, the solution would be root outside its namespace, and the kernel does not
    apply the process limit to root.
    """
    if os.geteuid() != 0:
        return ()  # bwrap maps the server's own unprivileged user to nobody inside
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise SandboxUnavailable("the server runs as root and setpriv (util-linux) is missing")
    uid = str(SANDBOX_UID)
    return (setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--")


def _supports(bwrap: str, option: str) -> bool:
    """Whether this bwrap lists `option` in its help (0.8 added --disable-userns)."""
    try:
        stdout, stderr = capture([bwrap, "--help"], timeout=30)
    except OSError as error:
        raise SandboxUnavailable(f"bubblewrap (bwrap) does not run: {error}") from error
    return option in stdout + stderr


def _why(result) -> str:
    """The first line bwrap wrote (namespaces refused...), else the run's failure."""
    for line in result.stderr_tail.splitlines():
        if line.strip():
            return line.strip()
    return result.failure() or f"printed {result.stdout[:40]!r}"
