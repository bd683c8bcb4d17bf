"""POST session/start and session/message: the turns that spend LLM tokens."""

from flask import current_app
from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.api.responses import LLM_LIMITS, VALIDATED_BODY, documented
from backend.app.extensions import spec
from backend.app.limits import llm_rate_limit
from backend.app.routes.learning import bp
from backend.app.routes.learning.schemas import MessageRequest, StartSessionRequest, TurnResponse
from backend.app.services.container import services

# 404: no such section or session; 502/503: the model failed or is unreachable (a lesson or
# reply answered synchronously).
START_ERRORS = (*VALIDATED_BODY, 401, 404, *LLM_LIMITS, 502, 503)
# 409: a synchronous turn of the same session is still running.
MESSAGE_ERRORS = (*START_ERRORS, 409)


@bp.post("/session/start")
@jwt_required()
@llm_rate_limit
@spec.validate(
    json=StartSessionRequest,
    resp=documented(200, TurnResponse, errors=START_ERRORS),
    tags=["learning"],
    security=[{"bearer": []}],
)
def start_session(json: StartSessionRequest):
    """Open a new session on a section: a stream ticket, or (streaming off) the whole lesson."""
    streaming = json.streaming and current_app.config["SETTINGS"].THEORY_STREAMING_ENABLED
    if json.fallback_from:
        services().lesson_streams.count_client_fallback(json.fallback_from, current_user.id)
    result = services().turns.start_session(
        current_user,
        chapter_number=json.chapter_number,
        section_number=json.section_number,
        user_message=json.user_message,
        user_type=json.user_type,
        streaming=streaming,
    )
    return ok(result)


@bp.post("/session/message")
@jwt_required()
@llm_rate_limit
@spec.validate(
    json=MessageRequest,
    resp=documented(200, TurnResponse, errors=MESSAGE_ERRORS),
    tags=["learning"],
    security=[{"bearer": []}],
)
def session_message(json: MessageRequest):
    """A learner's message: a question (streamed answer), "다음", an easier retry, or chat."""
    lessons_stream = current_app.config["SETTINGS"].THEORY_STREAMING_ENABLED
    result = services().turns.send_message(
        current_user,
        session_id=json.session_id,
        user_message=json.user_message,
        stream_lessons=json.streaming and lessons_stream,
        stream_answers=json.streaming,
    )
    return ok(result)
