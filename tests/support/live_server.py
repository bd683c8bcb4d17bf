"""A live `gunicorn -k gevent` on a free loopback port, for streaming and multi-worker tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devservers.ports import free_port, stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    """A running gunicorn: its URL, process and log file."""

    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop gracefully, then for sure."""
        stop_process(self.process)


def start_live_server(
    data_dir: Path,
    *,
    workers: int = 2,
    app: str = "wsgi:app",
    env: dict | None = None,
    checkout: Path = REPO_ROOT,
) -> LiveServer:
    """Start gunicorn with the project's config and wait until /healthz answers.

    `checkout`: the source tree to serve (a benchmark may compare an earlier commit).
    """
    port = free_port()
    log_path = data_dir / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "APP_ENV": "testing",
        "DATA_DIR": str(data_dir),
        "WEB_CONCURRENCY": str(workers),
        "LLM_PROVIDER": "offline",
        "OFFLINE_LLM_TOKENS_PER_SECOND": "0",
        "LOG_LEVEL": "INFO",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", app,
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=checkout, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not become healthy:\n{server.log()}")


@pytest.fixture
def live_server_factory(tmp_path):
    """Start live servers on demand (`factory(workers=..., app=..., env=...)`); all stopped after."""
    servers: list[LiveServer] = []

    def factory(**kwargs) -> LiveServer:
        data_dir = tmp_path / f"live-{len(servers)}"
        data_dir.mkdir()
        server = start_live_server(data_dir, **kwargs)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory) -> LiveServer:
    """A live gunicorn with 2 gevent workers, the offline model and SQLite in a temp dir."""
    return live_server_factory(workers=2)


def new_user(base_url: str, prefix: str = "live") -> dict[str, str]:
    """Register and log in a fresh user on a live server; their Authorization header."""
    import uuid

    body = {"username": f"{prefix}_{uuid.uuid4().hex[:10]}", "password": "long enough password"}
    httpx.post(f"{base_url}/api/v1/auth/register", json=body, timeout=30).raise_for_status()
    login = httpx.post(f"{base_url}/api/v1/auth/login", json=body, timeout=30)
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['data']['access_token']}"}


def openai_fake_env(fake) -> dict[str, str]:
    """Server settings that point the app at an OpenAI fake, with limits out of the way."""
    return {
        "LLM_PROVIDER": "openai",
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": fake.base_url,
        "LLM_MAX_RETRIES": "0",
        "RATE_LIMIT_LLM": "10000/minute",
        "RATE_LIMIT_LOGIN": "10000/minute",
        "MAX_CONCURRENT_RUNS_PER_USER": "1000",
    }


@contextmanager
def live_server_on_fake(
    fake, data_dir: Path, *, workers: int = 4, **env: str
) -> Iterator[LiveServer]:
    """A live server whose model is the OpenAI `fake` (extra settings in `env`), stopped after."""
    live = start_live_server(data_dir, workers=workers, env={**openai_fake_env(fake), **env})
    try:
        yield live
    finally:
        live.stop()
