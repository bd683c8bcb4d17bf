"""Verified problems on a live gevent gunicorn: the stages in order, what GET returns, and
hostile reference solutions contained while the same worker keeps serving (DESIGN 4.3, 7)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server_on_fake, new_user
from tests.support.problem_scripts import (
    EXPECTED_STATUSES,
    GENERATE,
    GRID_REQUEST,
    SOLUTION,
    generation_scripts,
    read_ndjson,
    statuses,
)
from tests.support.sandboxes import sandbox_processes

pytestmark = pytest.mark.live

# Set in the server's environment: no solution may ever print it.
SECRET = "fake-secret-5b1f0c2e"


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """One gevent worker, so a sandboxed run and the requests served beside it share a hub."""
    data_dir = tmp_path_factory.mktemp("verification-live")
    with live_server_on_fake(
        fake_openai_module, data_dir, workers=1, TUTOR_TEST_SECRET_TOKEN=SECRET
    ) as live:
        live.data_dir = data_dir
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    return fake_openai_shared


def generate(base: str, headers: dict) -> list[dict]:
    with httpx.stream(
        "POST", f"{base}{GENERATE}", json=GRID_REQUEST, headers=headers, timeout=60
    ) as r:
        assert r.status_code == 200
        return read_ndjson("\n".join(r.iter_lines()))


def test_a_verified_problem_streams_its_stages_in_order_and_get_returns_the_verification(
    server, fake
):
    headers = new_user(server.base_url)
    fake.script(*generation_scripts())
    lines = generate(server.base_url, headers)
    assert statuses(lines) == EXPECTED_STATUSES
    kinds = [line["type"] for line in lines]
    # Tokens belong to the description: none once it is done (the solution is not streamed).
    done_at = next(
        i
        for i, line in enumerate(lines)
        if line["type"] == "status"
        and line["payload"]["stage"] == "description"
        and line["payload"]["state"] == "done"
    )
    assert "token" not in kinds[done_at:]
    result = lines[-1]["payload"]
    assert result["verification"]["status"] == "passed"
    data = httpx.get(
        f"{server.base_url}/api/v1/problems/{result['problemId']}", headers=headers, timeout=10
    ).json()["data"]
    assert data["verification"] == result["verification"]
    assert data["reference_solution"].strip() == SOLUTION.strip()


def hostile_programs(server) -> dict[str, str]:
    """Solutions that try to leave the sandbox, each with what it goes after."""
    port = int(server.base_url.rsplit(":", 1)[1])
    database = Path(server.data_dir) / "app.db"
    escape = Path(server.data_dir) / "escaped.txt"
    return {
        "network": (
            "import socket\n"
            f"socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'GET /')\n"
            "print('connected')\n"
        ),
        "environment": (
            "import os\n"
            "print(os.environ.get('TUTOR_TEST_SECRET_TOKEN', 'absent'))\n"
            "print(sorted(os.environ))\n"
        ),
        "read-database": f"print(open({str(database)!r}, 'rb').read(64))\n",
        "write-outside": (
            f"open({str(escape)!r}, 'w').write('out')\nopen('/escaped.txt', 'w').write('out')\n"
        ),
        "fork-bomb": (
            "import os\n"
            "while True:\n"
            "    try:\n"
            "        os.fork()\n"
            "    except OSError:\n"
            "        pass\n"
        ),
        "infinite-loop": "while True:\n    pass\n",
        "allocate-4gb": "block = bytearray(4 * 2**30)\nprint(len(block))\n",
        "print-100mb": "import sys\nsys.stdout.write('x' * 100_000_000)\n",
        "sleep": "import time\ntime.sleep(120)\nprint(2)\n",
    }


class HealthProbe:
    """Polls /healthz in a thread; the slowest answer tells whether the worker stayed free."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                assert client.get(f"{self.base_url}/healthz").status_code == 200
                self.latencies.append(time.monotonic() - started)
                self._stop.wait(0.1)


@pytest.mark.parametrize(
    "name",
    [
        "network",
        "environment",
        "read-database",
        "write-outside",
        "fork-bomb",
        "infinite-loop",
        "allocate-4gb",
        "print-100mb",
        "sleep",
    ],
)
def test_a_hostile_solution_fails_its_verification_while_the_worker_keeps_serving(
    server, fake, name
):
    headers = new_user(server.base_url)
    program = hostile_programs(server)[name]
    fake.script(*generation_scripts(solution=program), "고칠 것이 없습니다.")
    with HealthProbe(server.base_url) as probe:
        lines = generate(server.base_url, headers)
    assert statuses(lines) == EXPECTED_STATUSES
    result = lines[-1]["payload"]
    verification = result["verification"]
    assert verification["status"] == "failed", verification
    check = verification["examples"][0]
    assert check["passed"] is False
    assert SECRET not in str(verification)
    assert "connected" not in check.get("actual", "")
    assert len(check.get("actual", "")) <= 2_000
    assert result["persisted"] is True
    # The one worker answered health checks all along (it never blocked on the run).
    assert probe.latencies and max(probe.latencies) < 2.0, probe.latencies
    assert not (Path(server.data_dir) / "escaped.txt").exists()
    assert not Path("/escaped.txt").exists()


def test_nothing_is_left_behind_by_the_runs(server):
    deadline = time.monotonic() + 10
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox_processes() == []
    leftovers = [p for p in Path(server.data_dir).rglob("*") if "escaped" in p.name]
    assert leftovers == []
    assert os.path.exists(Path(server.data_dir) / "app.db"), "the database is untouched"
