"""The scripted fake OpenAI server in a child process, driven over a pipe."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from tests.support.live_server import REPO_ROOT


class FakeProcess:
    """The scripted fake OpenAI server in a child process (fake_llm_server.py), over a pipe."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.fake_llm_server", str(theirs.fileno())],
                cwd=REPO_ROOT,
                pass_fds=[theirs.fileno()],
            )
        self._conn = Connection(ours.detach())
        self.base_url: str = self._conn.recv()
        self._lock = threading.Lock()

    def call(self, *command):
        """Send one command and return its answer."""
        with self._lock:
            self._conn.send(command)
            return self._conn.recv()

    def stop(self) -> None:
        """Stop the fake and its process."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError, EOFError):
                self.call("stop")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._conn.close()
