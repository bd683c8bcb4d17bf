"""The production server (gunicorn, gevent, several workers) end to end."""

import re

import httpx
import pytest

pytestmark = pytest.mark.live


def test_register_login_and_me_through_gunicorn(live_server):
    base = live_server.base_url
    body = {"username": "live_user", "password": "long enough password"}
    assert httpx.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    tokens = httpx.post(f"{base}/api/v1/auth/login", json=body).json()["data"]
    me = httpx.get(
        f"{base}/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.json()["data"]["user"]["username"] == "live_user"
    # Tokens and stream tickets never reach the server's output.
    httpx.get(f"{base}/api/v1/learning/theory-stream/LiveTicketSecret42")
    log = live_server.log()
    assert "request_id=" in log
    for secret in (tokens["access_token"], tokens["refresh_token"], "LiveTicketSecret42"):
        assert secret not in log


HEALTHZ_LINE = re.compile(r"\[(\d+)\] backend\.app\.requests: .*path=/healthz ")


def test_metrics_merge_every_worker(live_server):
    base = live_server.base_url
    # Fresh connections until both workers have served some (bounded).
    for _ in range(300):
        httpx.get(f"{base}/healthz", headers={"Connection": "close"})
        if len(set(HEALTHZ_LINE.findall(live_server.log()))) >= 2:
            break
    served = HEALTHZ_LINE.findall(live_server.log())
    assert len(set(served)) >= 2, "the requests never reached the second worker"
    text = httpx.get(f"{base}/metrics").text
    match = re.search(
        r'tutor_http_requests_total\{method="GET",route="/healthz",status="200"\} (\d+)', text
    )
    # One /metrics answer counts what every worker served.
    assert match and int(float(match.group(1))) == len(served)


def test_docs_page_and_openapi_on_the_live_server(live_server):
    page = httpx.get(f"{live_server.base_url}/api/v1/docs", follow_redirects=True)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert (
        httpx.get(f"{live_server.base_url}/api/v1/openapi.json").json()["openapi"].startswith("3.")
    )
