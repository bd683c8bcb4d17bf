"""Parse JSON request bodies once, defensively, before any view or validator sees them.

A body that is not JSON, too large or nested too deeply gets a 4xx in the error shape
here, so views and spectree only ever see a parsed, bounded document.
"""

from __future__ import annotations

import json

from flask import Flask, request

from backend.app.errors import APIError

MAX_JSON_DEPTH = 20
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def register_json_body_guard(app: Flask) -> None:
    """Reject unreadable API bodies before routing reaches a view."""
    app.config["MAX_CONTENT_LENGTH"] = app.config["SETTINGS"].MAX_REQUEST_BYTES
    app.before_request(_parse_json_body)


def _parse_json_body() -> None:
    if request.method not in _BODY_METHODS or not request.path.startswith("/api/"):
        return
    raw = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    if not raw.strip():
        return  # endpoints that need a body report the missing fields (422)
    if not request.is_json:
        raise APIError(400, "INVALID_JSON", "Send the body as application/json.")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise APIError(400, "INVALID_JSON") from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise APIError(400, "INVALID_JSON", "The JSON body is nested too deeply.")
    # Flask's own cache: request.get_json() now returns this document without re-parsing.
    request._cached_json = (document, document)


def _depth(document: object) -> int:
    """Nesting depth of a JSON document, computed without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest
