"""Bad input against a live gunicorn: what its HTTP parser hands the app is what production sees.

One server for the whole module: chunked bodies (no Content-Length), a raw non-ASCII
Last-Event-ID byte, JSON that cannot be encoded back, and odd methods in /metrics.
"""

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.bad_input import assert_error_body
from tests.support.live_server import new_user, start_live_server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = start_live_server(tmp_path_factory.mktemp("bad-input-live"), workers=2)
    yield server
    server.stop()


def chunks(body: bytes, size: int = 4096):
    """The body as an iterator: httpx sends it chunked, without a Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_error(response: httpx.Response, status: int) -> None:
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    assert_error_body(
        response.status_code, response.json(), response.headers["x-request-id"], status
    )


def test_a_chunked_body_over_the_limit_is_413(live):
    body = json.dumps({"username": "x" * 200_000, "password": "long enough"}).encode()
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        request = client.build_request("POST", "/api/v1/auth/register", content=chunks(body))
        request.headers["Content-Type"] = "application/json"
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        assert_error(client.send(request), 413)
        # The connection may be closed after the refusal; a new request still works.
    assert httpx.get(f"{live.base_url}/healthz", timeout=10).status_code == 200


def test_a_chunked_body_within_the_limit_is_read_whole(live):
    username = "chunked_user"
    body = json.dumps({"username": username, "password": "p" * 100}).encode()
    response = httpx.post(
        f"{live.base_url}/api/v1/auth/register",
        content=chunks(body, size=7),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["user"]["username"] == username


def test_a_lone_surrogate_is_422_not_500(live):
    logged = len(live.log())
    for path in ("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/problems/generate-stream"):
        response = httpx.post(
            f"{live.base_url}{path}",
            content=b'{"username": "\\ud800abc", "password": "long enough"}',
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert_error(response, 422)
    assert "Traceback" not in live.log()[logged:]


def raw_get(base_url: str, path: str, header_lines: list[bytes]) -> bytes:
    """GET with header bytes exactly as given (clients refuse to send non-ASCII headers)."""
    address = urlsplit(base_url)
    request = b"\r\n".join(
        [f"GET {path} HTTP/1.1".encode(), f"Host: {address.netloc}".encode(), *header_lines]
    )
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(request + b"\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("value", [b"\xb2", b"\xc2\xb2", b"\xd9\xa1", b"-1"])
def test_a_non_ascii_last_event_id_is_a_stream_error(live, value):
    logged = len(live.log())
    reply = raw_get(
        live.base_url, "/api/v1/learning/theory-stream/unknown", [b"Last-Event-ID: " + value]
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"text/event-stream" in head
    assert b'"code":"INVALID_SESSION"' in body and b"\nid:" not in b"\n" + body
    assert "Traceback" not in live.log()[logged:]


def test_odd_methods_share_one_metrics_label_across_workers(live):
    with httpx.Client(base_url=live.base_url, timeout=10) as client:
        for index in range(12):
            assert client.request(f"ODD{index}", "/healthz").status_code == 405
        metrics = client.get("/metrics").text
    assert "ODD" not in metrics
    assert 'method="OTHER",route="<unmatched>",status="405"' in metrics


def test_stream_routes_answer_200_for_a_refusal_with_a_token(live):
    headers = new_user(live.base_url)
    response = httpx.get(
        f"{live.base_url}/api/v1/learning/qna-stream/not-a-ticket",
        headers={**headers, "Last-Event-ID": b"\xb2"},
        timeout=30,
    )
    assert response.status_code == 200
    assert '"code":"INVALID_SESSION"' in response.text
