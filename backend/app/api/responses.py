"""Documented responses: every status an operation can answer with, in the OpenAPI document.

spectree's `Response` documents JSON bodies only; `documented()` adds what it cannot say:
the error statuses every route shares (each with the one error shape), response headers
(`X-Request-ID` always, `Retry-After` on 429, the streaming headers) and a success body
that is not JSON (an SSE or NDJSON stream, Prometheus text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel
from spectree import Response
from spectree.utils import get_model_key

from backend.app.api.schemas import ErrorResponse

ERROR_DESCRIPTIONS = {
    400: "INVALID_JSON: the body is not JSON, not sent as application/json, or nested too deeply.",
    401: "UNAUTHORIZED (TOKEN_EXPIRED when expired): the token is missing, invalid or revoked.",
    404: "NOT_FOUND: no such resource, or it belongs to another user.",
    409: "CONFLICT: it already exists, or is already running.",
    413: "PAYLOAD_TOO_LARGE: the body is larger than the server accepts.",
    422: "VALIDATION_ERROR: the request does not match its schema, or its JSON holds what cannot be "
    "encoded back (a lone surrogate, an infinite number); `details` names the fields.",
    429: "RATE_LIMITED: too many requests, or too many generations at once; see Retry-After.",
    500: "INTERNAL_ERROR: an unexpected failure (the body says no more).",
    502: "GENERATION_FAILED: the model's output stayed unusable after a retry.",
    503: "UPSTREAM_UNAVAILABLE (STORE_UNAVAILABLE for the problem store): try again later.",
}

# Every POST and PATCH under /api/ passes the JSON body guard first, body or not
# (422: JSON that parses but cannot be encoded back).
BODY_GUARD = (400, 413, 422)
# A body checked against its model fails validation with the same 422.
VALIDATED_BODY = BODY_GUARD
# The token-spending endpoints: a per-user rate limit and a cap on concurrent runs.
LLM_LIMITS = (429,)

_REQUEST_ID = {
    "description": "The request's id, also in the error body's `request_id`.",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
STREAM_HEADERS = {
    "Cache-Control": {"required": True, "schema": {"type": "string", "enum": ["no-cache"]}},
    "X-Accel-Buffering": {"required": True, "schema": {"type": "string", "enum": ["no"]}},
}


class DocumentedResponse(Response):
    """A spectree Response whose document lists exactly the declared statuses, with headers."""

    def __init__(
        self,
        success: int,
        model: type[BaseModel] | None,
        errors: Iterable[int],
        media_type: str | None,
        body_schema: dict[str, Any],
        headers: Mapping[str, dict[str, Any]],
        description: str | None,
    ) -> None:
        self.statuses = {str(success), *(str(code) for code in errors)}
        self.success = str(success)
        self.media_type = media_type
        self.body_schema = body_schema
        self.success_headers = dict(headers)
        codes: dict[str, Any] = {
            f"HTTP_{code}": (ErrorResponse, ERROR_DESCRIPTIONS[code]) for code in errors
        }
        codes[f"HTTP_{success}"] = (model, description) if description else model
        super().__init__(**codes)

    def generate_spec(self, naming_strategy=get_model_key) -> dict[str, Any]:
        """The `responses` object: spectree's, trimmed to the declared statuses, plus headers."""
        responses = {
            status: response
            for status, response in super().generate_spec(naming_strategy).items()
            # spectree adds its validation status to every route; keep it only where declared.
            if status in self.statuses
        }
        for status, response in responses.items():
            response["headers"] = {"X-Request-ID": _REQUEST_ID}
            if status == "429":
                response["headers"]["Retry-After"] = _RETRY_AFTER
        success = responses[self.success]
        success["headers"].update(self.success_headers)
        if self.media_type:
            success["content"] = {self.media_type: {"schema": self.body_schema}}
        return responses


def documented(
    success: int = 200,
    model: type[BaseModel] | None = None,
    *,
    errors: Iterable[int] = (),
    media_type: str | None = None,
    body_schema: dict[str, Any] | None = None,
    headers: Mapping[str, dict[str, Any]] | None = None,
    description: str | None = None,
) -> DocumentedResponse:
    """The responses of one operation: its success, `errors` and always 500.

    `media_type` documents a success body that is not JSON, never validated by the server;
    `body_schema` its schema (for an event stream: one event), by default any text.
    `headers` and `description` are the headers and the meaning of the success response.
    """
    all_errors = sorted({*errors, 500})
    return DocumentedResponse(
        success,
        model,
        all_errors,
        media_type,
        body_schema or {"type": "string"},
        headers or {},
        description,
    )
