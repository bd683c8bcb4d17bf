"""What one sandboxed run produced, and why it failed in a few words."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field

from .limits import SandboxLimits, describe_bytes

STDERR_TAIL_CHARS = 2000
REASON_LINE_CHARS = 200  # a reason is read by people: an exception's line, not a flood


class SandboxUnavailable(Exception):
    """Runs cannot start on this machine; `.reason` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RunResult:
    """One run's output and how it ended."""

    stdout: str  # utf-8 (errors="replace"), never more than output_bytes
    stderr_tail: str  # the last STDERR_TAIL_CHARS characters of stderr
    exit_code: int | None  # None when it was killed at the wall clock
    timed_out: bool
    output_limited: bool  # stdout reached the cap
    duration_ms: float
    stderr_limited: bool = False  # stderr reached the cap (its tail is then no traceback)
    limits: SandboxLimits = field(default_factory=SandboxLimits, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Exited 0 within its time and output limits."""
        return self.exit_code == 0 and not self.timed_out and not self.output_limited

    def failure(self) -> str | None:
        """A short English reason when the run is not ok, else None."""
        if self.timed_out:
            return f"timed out after {self.limits.wall_seconds:g} s"
        if self.output_limited:
            return f"output over {describe_bytes(self.limits.output_bytes)}"
        if self.stderr_limited and self.exit_code != 0:
            return f"error output over {describe_bytes(self.limits.output_bytes)}"
        if self.exit_code == 0 or self.exit_code is None:
            return None
        # Like a shell, the launcher reports a death by signal N as exit code 128 + N.
        number = self.exit_code - 128
        if number == signal.SIGXCPU:
            return f"CPU time limit ({self.limits.cpu_seconds} s) reached"
        if 0 < number < signal.NSIG:
            return f"killed by signal {number}"
        last = self.last_error_line()
        return f"exit code {self.exit_code}: {last}" if last else f"exit code {self.exit_code}"

    def last_error_line(self) -> str:
        """The last non-empty line of stderr (an exception's type and message)."""
        lines = [line.strip() for line in self.stderr_tail.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        return last if len(last) <= REASON_LINE_CHARS else last[: REASON_LINE_CHARS - 3] + "..."
