"""Sandbox: run untrusted Python solutions, at most N at once, each in its own bwrap."""

from __future__ import annotations

import threading

from backend.app.observability.metrics import SANDBOX_RUN_SECONDS

from .limits import SandboxLimits
from .probe import find_setup
from .process import Setup, execute
from .result import RunResult, SandboxUnavailable


class Sandbox:
    """Runs a Python 3 solution on one input (stdin -> stdout) in a fresh sandbox per run.

    Build one per process and share it: the probe (bwrap, namespaces, interpreter, the
    files to bind) runs once, and the concurrency cap counts across its callers.
    `threading` primitives become gevent's under monkey patching, so waiting for a slot or
    for the probe yields to other greenlets.
    """

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),  # noqa: B008 (frozen, so safe to share)
        max_concurrent: int = 4,
        *,
        bwrap: str = "bwrap",
        interpreters: tuple[str, ...] | None = None,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, got {max_concurrent!r}")
        self.limits = limits
        self.max_concurrent = max_concurrent
        self._bwrap = bwrap
        self._interpreters = interpreters
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._probe_lock = threading.Lock()
        self._probed = False
        self._setup: Setup | None = None
        self._reason: str | None = None

    def unavailable_reason(self) -> str | None:
        """None when runs can start here; else why not (probed once, then cached)."""
        with self._probe_lock:
            if not self._probed:
                try:
                    self._setup = find_setup(self._bwrap, self.limits, self._interpreters)
                except SandboxUnavailable as error:
                    self._reason = error.reason
                except Exception as error:  # a reason, never a crash (Lambda has no bwrap)
                    self._reason = f"the sandbox could not be checked: {error}"
                self._probed = True
        return self._reason

    def run(self, source: str, stdin: str) -> RunResult:
        """Run `source` (Python 3) with `stdin`; raises SandboxUnavailable."""
        reason = self.unavailable_reason()
        if reason is not None or self._setup is None:
            raise SandboxUnavailable(reason or "the sandbox is not set up")
        with self._slots:
            result = execute(self._setup, self.limits, source, stdin)
        outcome = "timeout" if result.timed_out else "ok" if result.exit_code == 0 else "error"
        SANDBOX_RUN_SECONDS.labels(outcome).observe(result.duration_ms / 1000)
        return result

    @property
    def interpreter(self) -> str | None:
        """The interpreter runs use (after a successful probe), for logs and reports."""
        return self._setup.interpreter.executable if self._setup else None
