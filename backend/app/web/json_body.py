"""Parse JSON request bodies once, defensively, before any view or validator sees them.

A body that is not JSON, too large or nested too deeply, or that holds what cannot be
encoded back (lone surrogates, infinite numbers), gets a 4xx in the error shape here,
on every route at once, so views and spectree only ever see a parsed, bounded document
that any response may echo.
"""

from __future__ import annotations

import json

from flask import Flask, request

from backend.app.errors import APIError
from backend.app.web.json_document import depth, first_unencodable

MAX_JSON_DEPTH = 20
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def register_json_body_guard(app: Flask) -> None:
    """Reject unreadable API bodies before routing reaches a view."""
    app.config["MAX_CONTENT_LENGTH"] = app.config["SETTINGS"].MAX_REQUEST_BYTES
    app.before_request(_parse_json_body)


def _parse_json_body() -> None:
    if request.method not in _BODY_METHODS or not request.path.startswith("/api/"):
        return
    raw = _read_body()
    if not raw.strip():
        return  # endpoints that need a body report the missing fields (422)
    if not request.is_json:
        raise APIError(400, "INVALID_JSON", "Send the body as application/json.")
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise APIError(400, "INVALID_JSON") from None
    if depth(document) > MAX_JSON_DEPTH:
        raise APIError(400, "INVALID_JSON", "The JSON body is nested too deeply.")
    problem = first_unencodable(document)
    if problem is not None:
        details = [{"loc": problem.loc, "msg": problem.msg, "type": problem.type}]
        raise APIError(422, "VALIDATION_ERROR", details=details)
    # Flask's own cache: request.get_json() now returns this document without re-parsing.
    request._cached_json = (document, document)


def _read_body() -> bytes:
    """The whole body; 413 past MAX_CONTENT_LENGTH, also for a chunked body.

    Without a Content-Length, Werkzeug reads a body only up to the limit and returns
    that much without a word: a cut-off document. One byte more from the server's
    stream tells a body of exactly the limit from a longer one.
    """
    raw = request.get_data(cache=True)  # raises 413 when Content-Length says too much
    limit = request.max_content_length
    unbounded = request.content_length is None and limit is not None
    if unbounded and len(raw) >= limit and request.environ["wsgi.input"].read(1):
        raise APIError(413, "PAYLOAD_TOO_LARGE")
    return raw


def _refuse_constant(name: str) -> float:
    # NaN and Infinity are not JSON, though Python's parser takes them by default.
    raise ValueError(f"{name} is not JSON")
