"""Debian's redis-server on a free loopback port, keeping nothing on disk.

`restart()` stops it and starts it again on the same port (an outage the app must
survive); `stop()` ends it by its process id.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import redis

from devservers.ports import free_port, stop_process, wait_until_ready


@dataclass
class RedisServer:
    """A running redis-server: its URL, port and process."""

    port: int
    workdir: Path
    binary: str
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The server's URL (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server on its port and wait until it answers PING."""
        command = [
            self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            "--logfile", str(self.workdir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_ready(self._answers, self.process, "redis-server", timeout=10)

    def stop(self) -> None:
        """Stop the server (by its pid); its data is gone."""
        if self.process is not None:
            stop_process(self.process)

    def restart(self) -> None:
        """Stop, then start again on the same port (empty)."""
        self.stop()
        self.start()

    def _answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False
        finally:
            client.close()


def start_redis(workdir: Path, *, port: int | None = None) -> RedisServer:
    """Start redis-server in `workdir` on `port` (a free one by default)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is needed (Debian package redis-server; `make test-tools`)."
        )
    workdir.mkdir(parents=True, exist_ok=True)
    server = RedisServer(port or free_port(), workdir, binary)
    server.start()
    return server
