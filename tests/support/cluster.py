"""One real cluster per test session: Redis, Postgres, two gunicorn hosts and nginx.

The `cluster` fixture starts it once (devservers.cluster) with short leases and test
limits; `running_cluster` restarts any host a previous test killed or stopped. Helpers
open lessons through the load balancer and say which host served a request (nginx's
`X-Upstream`), so tests can make a stream land on the host that did not open it (through
nginx, whose single worker alternates strictly between two hosts, or pinned: the host's
own URL).
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from devservers.cluster import Cluster, start_cluster
from devservers.hosts import AppHost
from tests.support.sse_client import SSEItems, read_events

START = "/api/v1/learning/session/start"
PASSWORD = "long enough password"
# What the multi-host tests need beside start_cluster's defaults.
CLUSTER_ENV = {
    # A lapsed producer is taken over within seconds, not 15.
    "STREAM_RUN_LEASE_SECONDS": "3",
    "MAX_CONCURRENT_RUNS_PER_USER": "2",
    # Every test client is 127.0.0.1 behind nginx: registrations share one address budget,
    # and the cross-host login test spends the per-address budget of failed logins.
    "RATE_LIMIT_LOGIN": "1000/minute",
    "RATE_LIMIT_LOGIN_PER_ADDRESS": "8/minute",
    "RATE_LIMIT_LLM": "1000/minute",
}


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """The session's cluster (2 hosts x 2 gevent workers behind nginx), stopped at the end."""
    try:
        running = start_cluster(tmp_path_factory.mktemp("cluster"), env=CLUSTER_ENV)
    except RuntimeError as exc:  # a missing binary or a server that would not start
        pytest.fail(f"the cluster did not start: {exc}")
    yield running
    running.stop()


@pytest.fixture
def running_cluster(cluster: Cluster) -> Cluster:
    """The session's cluster with every host running (a dead one is started again)."""
    for host in cluster.hosts:
        if not host.is_running():
            host.start()
    _wait_for_round_robin(cluster)
    return cluster


def _wait_for_round_robin(cluster: Cluster, timeout: float = 30.0) -> None:
    """Wait until nginx serves two requests in a row from two different hosts.

    nginx benches a host that refused a connection for fail_timeout (2 s), and a test
    may have just restarted one: tests that rely on the alternation start once it is back.
    """
    if len(cluster.hosts) < 2:
        return
    deadline = time.monotonic() + timeout
    previous = None
    while True:
        response = httpx.get(f"{cluster.url}/healthz", timeout=10)
        host = served_by(cluster, response) if response.status_code == 200 else None
        if host is not None and previous is not None and host is not previous:
            return
        assert time.monotonic() < deadline, "nginx does not alternate between the hosts"
        previous = host
        time.sleep(0.1)


def new_user(base: str, prefix: str = "hosts") -> dict[str, str]:
    """Register and log in a fresh user through `base`; their Authorization header."""
    body = {"username": f"{prefix}_{uuid.uuid4().hex[:10]}", "password": PASSWORD}
    httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=30).raise_for_status()
    login = httpx.post(f"{base}/api/v1/auth/login", json=body, timeout=30)
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['data']['access_token']}"}


def new_users(base: str, count: int, prefix: str = "hosts") -> list[dict[str, str]]:
    """`count` fresh users registered and logged in at once; their Authorization headers."""
    with ThreadPoolExecutor(max_workers=min(count, 8)) as pool:
        return list(pool.map(lambda _: new_user(base, prefix), range(count)))


def served_by(cluster: Cluster, response: httpx.Response | SSEItems) -> AppHost:
    """The host that served a response that came through nginx."""
    upstream = response.headers.get("x-upstream")
    assert upstream, f"no X-Upstream header: not a response through nginx? {response.headers}"
    return cluster.host_at(upstream)


@dataclass(frozen=True)
class OpenedLesson:
    """A streamed lesson opened with POST session/start, and the host that served it."""

    ticket: str
    session_id: str
    host: AppHost


def open_lesson(cluster: Cluster, headers: dict[str, str], base: str | None = None) -> OpenedLesson:
    """POST session/start (streamed) through nginx, or through `base` when given."""
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    response = httpx.post(f"{base or cluster.url}{START}", json=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    workflow = data["workflow_response"]
    assert workflow["streaming"] is True, workflow
    pinned = "x-upstream" not in response.headers
    host = _host_with_url(cluster, base) if pinned else served_by(cluster, response)
    return OpenedLesson(workflow["temp_session_id"], data["session_info"]["session_id"], host)


def lesson_stream_path(ticket: str) -> str:
    """The path of a ticket's lesson stream."""
    return f"/api/v1/learning/theory-stream/{ticket}"


def read_lesson(
    base: str, ticket: str, headers: dict[str, str] | None = None, **kwargs
) -> SSEItems:
    """Read a lesson stream from `base` until it ends (see sse_client.read_events)."""
    return read_events(f"{base}{lesson_stream_path(ticket)}", headers, **kwargs)


def _host_with_url(cluster: Cluster, base: str) -> AppHost:
    return next(host for host in cluster.hosts if host.url == base.rstrip("/"))
