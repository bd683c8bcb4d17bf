"""A redis-server of one test's own, which the test can stop and start again on its port.

The session's shared server (redis_server.py) must stay up for every other test; a test
of what the app does while Redis is away takes this one down instead, and brings it back
on the same port, so the app under test reconnects to the URL it was built with.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live_server import free_port
from tests.support.redis_server import _wait_until_ready


class PrivateRedis:
    """One redis-server on a fixed loopback port, started and stopped by its process id."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is needed (Debian package redis-server; `make test-tools`).")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server (nothing kept on disk) and wait until it answers."""
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_until_ready(self.url, self.process)

    def stop(self) -> None:
        """Stop the server and wait until its port is closed."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def running_private_redis(workdir: Path) -> Iterator[PrivateRedis]:
    """A running private redis-server, stopped when the block ends whatever happened."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = PrivateRedis(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
