"""The error handlers: every exception, expected or not, answered in the one error shape.

They live at the entry layer because they map failures of the layers below (the model,
the rate limiter, an engine that is down) to HTTP; `errors.py` keeps only APIError and
the shape, so any layer can raise it.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from backend.app.errors import STATUS_CODES, APIError, error_response
from backend.app.extensions import limiter
from backend.app.llm.errors import GenerationFailed, ModelUnavailable
from backend.app.storage.unavailable import (
    failure_summary,
    unavailable_engine,
    unavailable_message,
)

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    """Route every exception, expected or not, to the JSON error shape."""
    app.register_error_handler(APIError, error_response)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(GenerationFailed, _generation_failed)
    app.register_error_handler(ModelUnavailable, _model_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _rate_limited(exc: RateLimitExceeded):
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
    engine = unavailable_engine(exc)
    if engine is not None:
        # Redis or Postgres away is expected to happen: one line, no traceback (DESIGN 4.4).
        log.warning("The %s is unavailable: %s", engine, failure_summary(exc))
        return error_response(APIError(503, "UPSTREAM_UNAVAILABLE", unavailable_message(engine)))
    log.exception("Unhandled error while serving the request")
    return error_response(APIError(500, "INTERNAL_ERROR"))
