"""POST feedback: the learner's thumbs up or down on a lesson or an answer (DESIGN 4.2.2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_jwt_extended import current_user, jwt_required
from pydantic import BaseModel, BeforeValidator, Field

from backend.app.api.envelope import ok
from backend.app.api.responses import VALIDATED_BODY, documented
from backend.app.api.schemas import CleanStr, StrictModel, envelope, trimmed_str
from backend.app.extensions import spec
from backend.app.routes.learning import bp
from backend.app.services.container import services


def _exact_int(value: Any) -> Any:
    # A Literal of ints lets True (== 1) and 1.0 through even in strict mode.
    if type(value) is not int:
        raise ValueError("must be the integer 1 or -1")
    return value


class FeedbackRequest(StrictModel):
    """A rating of a lesson or an answer in one of the caller's sessions."""

    session_id: CleanStr = Field(min_length=1, max_length=64)
    target: Literal["lesson", "answer"]
    rating: Annotated[Literal[1, -1], BeforeValidator(_exact_int)]
    comment: trimmed_str(0, 1000) | None = Field(None, examples=["예시가 이해하기 쉬웠어요"])


class Feedback(BaseModel):
    """Stored feedback as the API shows it."""

    feedback_id: str
    session_id: str
    target: str
    rating: int
    comment: str | None
    created_at: str


class FeedbackData(BaseModel):
    """`data` of POST feedback."""

    feedback: Feedback


FeedbackResponse = envelope("FeedbackResponse", FeedbackData)


@bp.post("/feedback")
@jwt_required()
@spec.validate(
    json=FeedbackRequest,
    resp=documented(201, FeedbackResponse, errors=(*VALIDATED_BODY, 401, 404)),
    tags=["learning"],
    security=[{"bearer": []}],
)
def post_feedback(json: FeedbackRequest):
    """Record the learner's satisfaction with a lesson or an answer (owner only)."""
    feedback = services().feedback.record(
        current_user.id, json.session_id, json.target, json.rating, json.comment
    )
    return ok({"feedback": feedback}, status=201)
