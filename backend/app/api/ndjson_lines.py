"""The lines of the problem stream (DESIGN 4.3) as a schema, for the OpenAPI document.

An NDJSON body is not one JSON document, so the document describes it as the list of its
lines, each one JSON object. Payload fields beyond these are allowed (additions stay
compatible); `problem` is the GeneratedProblem the result line carries.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from backend.app.domain.problems import GeneratedProblem
from backend.app.domain.verification import Verification


class StatusPayload(BaseModel):
    """A stage started or done."""

    stage: Literal["analysis", "variation", "description", "parsing", "verification", "saving"]
    state: Literal["started", "done"]
    message: str


class TokenPayload(BaseModel):
    """A piece of the description as the model writes it."""

    text: str


class ResultPayload(BaseModel):
    """The finished problem and its verification; a save that failed says why and gives no id."""

    problemId: str | None
    persisted: bool
    problem: GeneratedProblem
    verification: Verification
    persist_error: str | None = None


class ErrorPayload(BaseModel):
    """The failure that ends the stream."""

    code: str
    message: str


class StatusLine(BaseModel):
    """A status line."""

    type: Literal["status"]
    payload: StatusPayload


class TokenLine(BaseModel):
    """A token line."""

    type: Literal["token"]
    payload: TokenPayload


class ResultLine(BaseModel):
    """The result line."""

    type: Literal["result"]
    payload: ResultPayload


class ErrorLine(BaseModel):
    """The error line."""

    type: Literal["error"]
    payload: ErrorPayload


# A plain union: a discriminator's mapping would hold `$defs` references.
ProblemStreamLine = StatusLine | TokenLine | ResultLine | ErrorLine


def _inline_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$defs` references replaced by the definitions themselves.

    The OpenAPI document resolves `#/...` from its own root, so a nested `$defs` cannot be
    referenced there; the models here are not recursive, so inlining terminates.
    """
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


PROBLEM_STREAM_SCHEMA = _inline_definitions(
    TypeAdapter(list[ProblemStreamLine]).json_schema(mode="serialization")
)
"""The problem stream as the list of its lines."""
