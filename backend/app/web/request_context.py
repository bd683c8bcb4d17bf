"""Request ids, the one log line per request, and request metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from backend.app.observability.metrics import observe_request

log = logging.getLogger("backend.app.requests")

# A caller-supplied id is echoed only when it is short and harmless in logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def register_request_context(app: Flask) -> None:
    """Give each request an id (echoed in X-Request-ID), log it once, and count it."""
    app.before_request(_start_request)
    app.after_request(_finish_request)


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started else 0.0
    route = request.url_rule.rule if request.url_rule else "<unmatched>"
    observe_request(request.method, route, response.status_code, seconds)
    log.info(
        "request_id=%s method=%s path=%s status=%s duration_ms=%.1f",
        g.get("request_id", "-"),
        request.method,
        request.path,
        response.status_code,
        seconds * 1000,
    )
    return response
