"""Loopback ports and readiness waits shared by the server launchers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(
    ready: Callable[[], bool], process: subprocess.Popen, what: str, timeout: float = 30.0
) -> None:
    """Poll `ready()` until it is true; fail when `process` exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early (status {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM the process (by its pid), then SIGKILL it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
