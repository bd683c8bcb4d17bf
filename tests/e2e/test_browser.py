"""The built Vue client in Debian Chromium (playwright-core) against a live gevent server.

The scenarios live in `frontend/e2e/app.e2e.mjs`; this test builds the client when needed,
starts the server with the offline model at a realistic 40 tokens/s (so a lesson's first block
shows while the stream still runs, and the block being written shows as a preview before it)
and runs the script, which also runs axe-core on each kind of page. Screenshots of each view
are kept in `test-artifacts/browser/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.live_server import REPO_ROOT, start_live_server

pytestmark = pytest.mark.live

FRONTEND = REPO_ROOT / "frontend"
DIST_INDEX = FRONTEND / "dist" / "index.html"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# What the build reads: a newer file than dist/index.html means dist is stale.
BUILD_INPUTS = ["src", "public", "index.html", "vite.config.js", "package-lock.json"]


def _newest_input_mtime() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = FRONTEND / name
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def _run(command: list[str], timeout: int) -> None:
    done = subprocess.run(
        command, cwd=FRONTEND, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _ensure_built() -> None:
    """Build the client unless dist/ is newer than everything the build reads."""
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        _run(["npm", "ci", "--no-audit", "--no-fund"], timeout=600)
    if not DIST_INDEX.is_file() or DIST_INDEX.stat().st_mtime < _newest_input_mtime():
        _run(["npm", "run", "build"], timeout=300)


@pytest.fixture(scope="module")
def browser_tools():
    """Node and Chromium, which `make test-tools` installs; without them skip (fail in CI)."""
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if missing:
        message = f"browser tests need {', '.join(missing)} (run `make test-tools`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    _ensure_built()


@pytest.mark.timeout(420)
def test_learner_journey_in_chromium(browser_tools, tmp_path):
    """Register, previews, stream a lesson, reload, resume, drop, fallback, My lessons, problems."""
    server = start_live_server(
        tmp_path,
        workers=2,
        env={"OFFLINE_LLM_TOKENS_PER_SECOND": "40", "RATE_LIMIT_LOGIN": "100/minute"},
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["node", "e2e/app.e2e.mjs", server.base_url, str(ARTIFACTS)],
            cwd=FRONTEND,
            capture_output=True,
            text=True,
            timeout=360,
            check=False,
        )
    finally:
        server.stop()
    report = f"{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, f"browser scenarios failed:\n{report}\nserver log:\n{server.log()}"
    assert "0 failed" in done.stdout, report
    for view in (
        "03a-lesson-preview",
        "04-lesson-complete",
        "05-my-lessons",
        "08-problem-result",
        "10-problem-detail",
    ):
        assert (ARTIFACTS / f"{view}.png").stat().st_size > 0
