"""APIError and the one JSON error shape every failure is answered in (DESIGN 4.0)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

# Werkzeug's status codes mapped to the codes of the contract.
STATUS_CODES = {
    400: "INVALID_JSON",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "GENERATION_FAILED",
    503: "UPSTREAM_UNAVAILABLE",
}

DEFAULT_MESSAGES = {
    "INVALID_JSON": "The request body is not valid JSON.",
    "UNAUTHORIZED": "Authentication is required.",
    "TOKEN_EXPIRED": "The token has expired.",
    "FORBIDDEN": "You are not allowed to do this.",
    "NOT_FOUND": "Not found.",
    "METHOD_NOT_ALLOWED": "Method not allowed.",
    "CONFLICT": "The resource already exists.",
    "PAYLOAD_TOO_LARGE": "The request body is too large.",
    "VALIDATION_ERROR": "The request is invalid.",
    "RATE_LIMITED": "Too many requests. Try again later.",
    "INTERNAL_ERROR": "Something went wrong on our side.",
    "GENERATION_FAILED": "The model's output could not be used. Try again.",
    "UPSTREAM_UNAVAILABLE": "A service we depend on is unavailable. Try again later.",
}


class APIError(Exception):
    """An expected failure answered as `{"success": false, "error": {...}}`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or code)
        self.status = status
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, code)
        self.details = details
        self.headers = headers or {}


def error_response(error: APIError):
    """Render an APIError in the one error shape, with the request id."""
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    body["request_id"] = g.get("request_id", "")
    response = jsonify({"success": False, "error": body})
    response.status_code = error.status
    response.headers.update(error.headers)
    return response
