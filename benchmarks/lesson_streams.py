"""Lesson streams through the product's API: tickets from session/start, then their SSE."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from benchmarks.common import StreamResult
from benchmarks.light_client import http_request, run_requests, sse_events

STREAM_TIMEOUT = httpx.Timeout(120.0, connect=30.0)
START_BODY = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}


def start_tickets(base_url: str, token: str, count: int) -> list[str]:
    """`count` lesson tickets from session/start (streaming)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:

        def one(_: int) -> str:
            response = client.post("/api/v1/learning/session/start", json=START_BODY)
            response.raise_for_status()
            flow = response.json()["data"]["workflow_response"]
            if not flow.get("streaming"):
                raise RuntimeError(f"session/start did not stream: {flow}")
            return flow["temp_session_id"]

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))


def run_streams(
    base_url: str, tickets: list[str], headers: dict[str, str] | None = None, query: str = ""
) -> list[StreamResult]:
    """Open every ticket's stream at once and read them all to the end (one light client).

    `headers` are added to every request (a `Last-Event-ID` resumes a run started elsewhere);
    `query` is appended to each URL (say, `?preview=1`).
    """
    port = int(base_url.rsplit(":", 1)[1])
    sent = {"Accept": "text/event-stream", **(headers or {})}
    requests = [
        http_request("GET", f"/api/v1/learning/theory-stream/{ticket}{query}", sent)
        for ticket in tickets
    ]
    results = []
    for capture in run_requests(port, requests, timeout=STREAM_TIMEOUT.read * 2):
        result = StreamResult(opened_at=capture.sent_at, error=capture.error)
        if capture.status() != 200:
            result.error = result.error or f"HTTP {capture.status()}"
        else:
            result.events = sse_events(capture)
        results.append(result)
    return results
