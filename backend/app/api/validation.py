"""spectree hook turning request validation failures into the one error shape."""

from __future__ import annotations

from typing import Any

from backend.app.errors import APIError


def raise_validation_error(req, resp, req_validation_error, instance, model_adapter) -> None:
    """spectree `before` hook: answer 422 VALIDATION_ERROR with field-level details."""
    if req_validation_error is None:
        return
    raise APIError(
        422,
        "VALIDATION_ERROR",
        details=_field_errors(req_validation_error.errors(include_context=False)),
    )


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The offending input is left out on purpose: it may be a password.
    return [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err["msg"], "type": err["type"]}
        for err in errors
    ]
