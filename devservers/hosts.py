"""One app host: `gunicorn -k gevent -c gunicorn.conf.py wsgi:app` on a loopback port.

A host runs in its own process group, so `kill()` can end the master and every worker
at once, as a machine that dies would; `terminate()` is the orderly stop a host gets
from its supervisor (SIGTERM to the master only). `start()` brings it back on the same
port with the same settings.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devservers.ports import wait_until_ready

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class AppHost:
    """A gunicorn host of the app: its name, port, settings and current process."""

    name: str
    port: int
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The host's own base URL (bypassing the load balancer)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """`127.0.0.1:<port>`, as nginx names the upstream in `X-Upstream`."""
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """The host's log file (every start appends to it)."""
        return self.data_dir / "gunicorn.log"

    def log(self) -> str:
        """Everything the host wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def is_running(self) -> bool:
        """True while the host's master process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 90.0) -> None:
        """Start the host and wait until /healthz answers 200."""
        self.spawn()
        self.wait_healthy(timeout)

    def spawn(self) -> None:
        """Start the host's processes without waiting for them (see `wait_healthy`)."""
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--bind", self.address, "wsgi:app",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                # Its own DATA_DIR: hosts share only what lives in Redis and Postgres.
                env={**os.environ, "DATA_DIR": str(self.data_dir), **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the workers
            )

    def wait_healthy(self, timeout: float = 90.0) -> None:
        """Wait until /healthz answers 200; fail if the host exits first."""
        wait_until_ready(self._healthy, self.process, f"{self.name} ({self.log_path})", timeout)

    def kill(self) -> None:
        """SIGKILL the master and all its workers at once (the host dies)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM the master (an orderly stop); returns at once, see `wait()`."""
        if self.is_running():
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 60.0) -> int | None:
        """Wait for the master to exit; its exit status."""
        return None if self.process is None else self.process.wait(timeout=timeout)

    def stop(self, timeout: float = 40.0) -> None:
        """Stop for good: SIGTERM, then SIGKILL to the whole group if it lingers."""
        if not self.is_running():
            return
        self.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False
