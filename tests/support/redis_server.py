"""A real Redis server (Debian's redis-server) for the tests: one per test session.

It listens on a free loopback port, keeps nothing on disk, and is stopped by its process
id when the session ends. Each test gets a fresh key prefix, so tests never see each
other's keys and nothing needs flushing.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest
import redis

from devservers.redis import start_redis

READY_TIMEOUT_SECONDS = 10


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The URL of a Redis server started for this test session."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed (Debian package redis-server; `make test-tools`).")
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix of this test's own."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def _wait_until_ready(url: str, process: subprocess.Popen) -> None:
    """Wait until the redis-server `process` answers PING at `url` (private_redis.py)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url)
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
        finally:
            client.close()
