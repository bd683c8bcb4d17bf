"""deploy/run.sh, the Lambda image's command, run locally the way the Lambda Web Adapter runs it.

The adapter starts the script, polls the readiness path on AWS_LWA_PORT until it answers,
then forwards each invocation to that port as a plain HTTP request and streams the answer.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import REPO_ROOT, free_port

pytestmark = pytest.mark.live

RUN_SH = REPO_ROOT / "deploy" / "run.sh"
LINE_TYPES = {"status", "token", "result", "error"}


def adapter_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The adapter's variables plus test settings; this venv's python first on PATH."""
    python_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "AWS_LWA_READINESS_CHECK_PATH": "/healthz",
        "AWS_LWA_INVOKE_MODE": "response_stream",
        "APP_ENV": "testing",
        "DATA_DIR": str(data_dir),
        "WEB_CONCURRENCY": "1",
        "LLM_PROVIDER": "offline",
        "OFFLINE_LLM_TOKENS_PER_SECOND": "0",
        "PROBLEM_STORE": "sqlite",
        "RATE_LIMIT_LOGIN": "1000/minute",
        **overrides,
    }


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the script's process group, then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def lambda_app(tmp_path_factory):
    """run.sh started from an unrelated directory, ready as the adapter would see it."""
    work = tmp_path_factory.mktemp("lambda-start")
    port = free_port()
    log_path = work / "server.log"
    # The data folder does not exist yet: the script makes it.
    env = adapter_env(work / "tmp" / "var", AWS_LWA_PORT=str(port))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(RUN_SH)], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"run.sh exited early:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"never ready:\n{log_path.read_text()}"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield base, log_path
    finally:
        stop_group(process)


def test_ready_on_the_adapter_port_bound_to_loopback(lambda_app):
    base, log_path = lambda_app
    assert httpx.get(f"{base}/healthz").json()["data"] == {"status": "ok"}
    assert f"Listening at: {base} " in log_path.read_text()


@pytest.mark.parametrize(
    ("ports", "bound"),
    [({"AWS_LWA_PORT": "18081", "PORT": "18082"}, "18081"), ({"PORT": "18082"}, "18082")],
)
def test_binds_the_adapter_port_with_no_worker_deadline(tmp_path, ports, bound):
    # --print-config shows what gunicorn would run with, and exits without serving.
    env = adapter_env(tmp_path / "var", GUNICORN_CMD_ARGS="--print-config")
    for name in ("AWS_LWA_PORT", "PORT"):
        env.pop(name, None)
    env.update(ports)
    done = subprocess.run(
        [str(RUN_SH)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    pairs = (line.partition("=") for line in done.stdout.splitlines())
    config = {name.strip(): value.strip() for name, _, value in pairs}
    assert config["bind"] == f"['127.0.0.1:{bound}']"
    assert config["worker_class"] == "gevent"
    assert config["workers"] == "1"
    # Lambda freezes the sandbox between invocations: no heartbeat deadline to miss on thaw.
    assert config["timeout"] == "0"


def test_problem_streams_and_is_saved_through_the_start_script(lambda_app):
    base, _ = lambda_app
    body = {"username": f"lwa_{uuid.uuid4().hex[:10]}", "password": "long enough password"}
    httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=30).raise_for_status()
    login = httpx.post(f"{base}/api/v1/auth/login", json=body, timeout=30)
    headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
    request = {"prompt": "배열에서 두 수의 합을 찾는 문제", "difficulty": "easy"}
    with httpx.stream(
        "POST", f"{base}/api/v1/problems/generate-stream", json=request, headers=headers,
        timeout=60,
    ) as response:  # fmt: skip
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line.strip()]
    assert lines and all(line["type"] in LINE_TYPES for line in lines), lines
    result = lines[-1]
    assert result["type"] == "result", lines[-3:]
    problem_id = result["payload"]["problemId"]
    saved = httpx.get(f"{base}/api/v1/problems/{problem_id}", headers=headers, timeout=30)
    assert saved.status_code == 200
    assert saved.json()["data"]["problemId"] == problem_id
    assert saved.json()["data"]["problem"] == result["payload"]["problem"]
