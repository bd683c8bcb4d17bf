"""Pydantic models shared by every endpoint: input string types and the envelopes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_control_characters(value: str) -> str:
    """Reject NUL and other C0 control characters (tabs and newlines are fine)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value:
        raise ValueError("must not contain control characters")
    return value


CleanStr = Annotated[str, AfterValidator(_no_control_characters)]


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
