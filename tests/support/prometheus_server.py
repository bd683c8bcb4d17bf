"""Debian's Prometheus (package `prometheus`) on a free loopback port, for the monitoring test.

It scrapes one target every second with a bearer token, evaluates the given rule files
every second, keeps its data in a temporary folder and is stopped by its process id. The
Debian package also installs a service; these tests never use it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devservers.ports import free_port, stop_process, wait_until_ready

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
READY_TIMEOUT_SECONDS = 30


def require_prometheus() -> None:
    """Fail (never skip) when Debian's Prometheus is missing."""
    for binary in (PROMETHEUS, PROMTOOL):
        if not os.access(binary, os.X_OK):
            pytest.fail(f"{binary} is needed (Debian package prometheus; `make test-tools`).")


@dataclass
class PrometheusServer:
    """A running Prometheus: its URL, process and log file."""

    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """Everything Prometheus wrote so far."""
        return self.log_path.read_text(errors="replace")

    def api(self, path: str, **params: str):
        """`data` of a successful Prometheus HTTP API answer."""
        response = httpx.get(f"{self.base_url}/api/v1/{path}", params=params, timeout=10)
        body = response.json()
        assert response.status_code == 200 and body["status"] == "success", (params, body)
        return body["data"]

    def query(self, expr: str) -> list[dict]:
        """The instant vector (or scalar, as one item) `expr` evaluates to now."""
        data = self.api("query", query=expr)
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        return data["result"]

    def wait_for(self, expr: str, timeout: float = 20.0) -> list[dict]:
        """Poll `expr` until it returns data (bounded); that data."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(expr)
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"no data for {expr!r} after {timeout} s:\n{self.log()}")
            time.sleep(0.25)

    def stop(self) -> None:
        """Stop gracefully, then for sure."""
        stop_process(self.process)


def start_prometheus(
    work_dir: Path, *, target: str, bearer_token: str, rule_files: list[Path]
) -> PrometheusServer:
    """Start Prometheus scraping `target` (host:port) /metrics every second; wait until ready."""
    require_prometheus()
    work_dir.mkdir(parents=True, exist_ok=True)
    config = {  # JSON is YAML: no YAML writer needed
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(path.resolve()) for path in rule_files],
        "scrape_configs": [
            {
                "job_name": "tutor",
                "metrics_path": "/metrics",
                "authorization": {"type": "Bearer", "credentials": bearer_token},
                "static_configs": [{"targets": [target]}],
            }
        ],
    }
    config_path = work_dir / "prometheus.yml"
    config_path.write_text(json.dumps(config, indent=2))
    port = free_port()
    log_path = work_dir / "prometheus.log"
    command = [
        PROMETHEUS,
        f"--config.file={config_path}",
        f"--storage.tsdb.path={work_dir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    server = PrometheusServer(f"http://127.0.0.1:{port}", process, log_path)

    def ready() -> bool:
        try:
            return httpx.get(f"{server.base_url}/-/ready", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until_ready(ready, process, "prometheus", READY_TIMEOUT_SECONDS)
    except RuntimeError as failure:
        server.stop()
        raise RuntimeError(f"{failure}:\n{server.log()}") from None
    return server
