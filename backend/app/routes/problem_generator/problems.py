"""GET problems and problems/<id>: the caller's saved problems, read-only (DESIGN 4.3)."""

from __future__ import annotations

from typing import Any

from flask_jwt_extended import current_user, jwt_required
from pydantic import BaseModel, Field

from backend.app.api.envelope import ok
from backend.app.api.responses import documented
from backend.app.api.schemas import envelope
from backend.app.domain.problems import GeneratedProblem
from backend.app.domain.verification import Verification, VerificationStatus
from backend.app.errors import APIError
from backend.app.extensions import spec
from backend.app.routes.problem_generator import bp
from backend.app.services.container import services
from backend.app.storage.problems import InvalidCursor, StoreUnavailable

MAX_PROBLEM_ID_CHARS = 64
STORE_UNAVAILABLE = APIError(
    503, "STORE_UNAVAILABLE", "The problem store is unavailable. Try again later."
)


class ProblemListQuery(BaseModel):
    """Paging of GET problems."""

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, min_length=1, max_length=512)


class ProblemSummary(BaseModel):
    """What one saved problem and a list entry have in common."""

    # The wire shape of DESIGN 4.3: the keys are camelCase.
    problemId: str
    createdAt: str
    prompt: str
    difficulty: str
    persisted: bool
    problem: GeneratedProblem


class ProblemView(ProblemSummary):
    """A saved problem as its owner reads it, with how it was verified."""

    # Both null for problems saved before verification existed.
    verification: Verification | None
    reference_solution: str | None


class ProblemListItem(ProblemSummary):
    """A list entry: the verification's status only (null: saved before verification)."""

    verification_status: VerificationStatus | None


class ProblemList(BaseModel):
    """`data` of GET problems."""

    items: list[ProblemListItem]
    next_cursor: str | None


ProblemViewResponse = envelope("ProblemViewResponse", ProblemView)
ProblemListResponse = envelope("ProblemListResponse", ProblemList)


@bp.get("")
@jwt_required()
@spec.validate(
    query=ProblemListQuery,
    resp=documented(200, ProblemListResponse, errors=(401, 422, 503)),
    tags=["problems"],
    security=[{"bearer": []}],
)
def list_problems(query: ProblemListQuery):
    """The caller's problems, newest first; follow `next_cursor` for more."""
    try:
        page = services().problems.list_for_user(current_user.id, query.limit, query.cursor)
    except InvalidCursor:
        raise APIError(422, "VALIDATION_ERROR", details=[_cursor_error()]) from None
    except StoreUnavailable:
        raise STORE_UNAVAILABLE from None
    return ok(page)


@bp.get("/<string:problem_id>")
@jwt_required()
@spec.validate(
    resp=documented(200, ProblemViewResponse, errors=(401, 404, 503)),
    tags=["problems"],
    security=[{"bearer": []}],
)
def get_problem(problem_id: str):
    """One saved problem (owner only; anyone else gets 404)."""
    if len(problem_id) > MAX_PROBLEM_ID_CHARS:
        raise APIError(404, "NOT_FOUND", "No such problem.")
    try:
        view = services().problems.get(problem_id, current_user.id)
    except StoreUnavailable:
        raise STORE_UNAVAILABLE from None
    if view is None:
        raise APIError(404, "NOT_FOUND", "No such problem.")
    return ok(view)


def _cursor_error() -> dict[str, Any]:
    return {"loc": ["query", "cursor"], "msg": "The cursor is not valid.", "type": "invalid_cursor"}
