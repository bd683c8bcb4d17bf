"""APIError and the handlers that give every failure the one JSON error shape (DESIGN 4.0)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Flask, g, jsonify
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from backend.app.llm.errors import GenerationFailed, ModelUnavailable

log = logging.getLogger(__name__)

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


def register_error_handlers(app: Flask) -> None:
    """Route every exception, expected or not, to the JSON error shape."""
    app.register_error_handler(APIError, error_response)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(GenerationFailed, _generation_failed)
    app.register_error_handler(ModelUnavailable, _model_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _rate_limited(exc: RateLimitExceeded):
    from backend.app.extensions import limiter

    current = limiter.current_limit
    retry_after = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    return error_response(APIError(429, "RATE_LIMITED", headers={"Retry-After": str(retry_after)}))


def _http_exception(exc: HTTPException):
    status = exc.code or 500
    code = STATUS_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR")
    headers = {}
    if status == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(APIError(status, code, headers=headers))


def _generation_failed(exc: GenerationFailed):
    log.warning("Generation failed: %s", exc)
    return error_response(APIError(502, "GENERATION_FAILED"))


def _model_unavailable(exc: ModelUnavailable):
    log.warning("Model unavailable: %s", exc)
    return error_response(
        APIError(503, "UPSTREAM_UNAVAILABLE", "The language model is unavailable. Try again.")
    )


def _unexpected(exc: Exception):
    log.exception("Unhandled error while serving the request")
    return error_response(APIError(500, "INTERNAL_ERROR"))
