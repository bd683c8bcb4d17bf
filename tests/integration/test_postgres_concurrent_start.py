"""Hosts starting together on one fresh Postgres all come up (DESIGN 4.4).

Each process builds the whole app (Alembic migrations, then the checkpointer's table
setup) with its own DATA_DIR, as separate hosts would: no file lock is shared, only the
database and its advisory locks.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg

from tests.support.live_server import REPO_ROOT

PROCESSES = 8

# Everything is imported first; then every process waits for the same signal, so the
# table creations really overlap instead of following each process's import time.
BUILD_APP_ON_SIGNAL = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path

    from backend.app import create_app
    from backend.app.config import Settings
    from backend.app.factory import build_app  # noqa: F401  (imported now, not after the signal)

    url, data_dir, signal = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(
        _env_file=None, APP_ENV="testing", LLM_PROVIDER="offline", DATA_DIR=data_dir,
        DATABASE_URL=url, CHECKPOINT_URL=url,
    )
    data_dir.mkdir(parents=True)
    (data_dir / "ready").touch()
    while not signal.exists():
        time.sleep(0.01)
    create_app(settings)
    print("started")
    """
)


def start_host(url: str, data_dir: Path, signal: Path) -> subprocess.Popen:
    """A process that builds the app on `url` once `signal` exists."""
    command = [sys.executable, "-c", BUILD_APP_ON_SIGNAL, url, str(data_dir), str(signal)]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_eight_processes_start_together_on_one_fresh_database(postgres_database_url, tmp_path):
    signal = tmp_path / "go"
    hosts = [tmp_path / f"host-{n}" for n in range(PROCESSES)]
    processes = [start_host(postgres_database_url, host, signal) for host in hosts]
    deadline = time.monotonic() + 90
    while not all((host / "ready").exists() for host in hosts):
        assert all(p.poll() is None for p in processes), "a process died while importing"
        assert time.monotonic() < deadline, "the processes did not get ready"
        time.sleep(0.05)
    signal.touch()
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    failures = [err for code, out, err in results if code != 0 or "started" not in out]
    assert failures == []

    with psycopg.connect(postgres_database_url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        names = [name for (name,) in tables]
        assert len(names) == len(set(names))
        assert {"alembic_version", "checkpoints", "checkpoint_migrations", "users"} <= set(names)
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        versions = [v for (v,) in connection.execute("SELECT v FROM checkpoint_migrations")]
        assert sorted(versions) == list(range(len(versions)))
