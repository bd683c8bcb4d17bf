"""Pydantic models shared by every endpoint: input string types and the envelopes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def _no_control_characters(value: str) -> str:
    """Reject NUL and other C0 control characters (tabs and newlines are fine)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value:
        raise ValueError("must not contain control characters")
    return value


CleanStr = Annotated[str, AfterValidator(_no_control_characters)]


def trimmed_str(min_length: int, max_length: int, *, single_line: bool = False) -> Any:
    """A CleanStr whose length limits apply after surrounding whitespace is trimmed."""
    pattern = r"^[^\n\r\t]*$" if single_line else None
    # The constraints must come before the validator: after it, pydantic checks the
    # lengths of the untrimmed value.
    constraints = StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=pattern
    )
    return Annotated[str, constraints, AfterValidator(_no_control_characters)]


class StrictModel(BaseModel):
    """Request bodies: unknown fields are rejected, strings are not coerced from numbers."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    """The `error` member of a failure."""

    code: str = Field(examples=["VALIDATION_ERROR"])
    message: str
    details: Any | None = None
    request_id: str


class ErrorResponse(BaseModel):
    """Every failure: `{"success": false, "error": {...}}`."""

    success: bool = False
    error: ErrorBody


def envelope(name: str, data_model: type[BaseModel]) -> type[BaseModel]:
    """A documented success envelope `{"success": true, "data": <data_model>}`."""
    return type(
        name,
        (BaseModel,),
        {"__annotations__": {"success": bool, "data": data_model}, "success": True},
    )
