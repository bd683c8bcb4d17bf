"""Blueprint "theory_stream": GET theory-stream/<ticket> and qna-stream/<ticket> (SSE), and
their cancel (DESIGN 4.2). URLs live under /api/v1/learning, beside the turns that issue
the tickets.

Both kinds share the ticket machinery (services/streams/base.py): the ticket is the
credential, since a native EventSource sends no headers.
"""

import logging
import re

from flask import Blueprint, current_app, request
from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.api.responses import BODY_GUARD, STREAM_HEADERS, documented
from backend.app.api.stream_events import ANSWER_EVENT, LESSON_EVENT
from backend.app.auth.schemas import EmptyResponse
from backend.app.extensions import spec
from backend.app.routes.learning.schemas import LessonStreamQuery, StreamHeaders
from backend.app.services.container import services
from backend.app.services.streams.base import TicketStreamService
from backend.app.storage.unavailable import (
    failure_summary,
    unavailable_engine,
    unavailable_message,
    until_engine_fails,
)
from backend.app.streaming.events import stream_error
from backend.app.streaming.framing import sse_event
from backend.app.streaming.socket_options import prepare_stream_socket

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}

bp = Blueprint("theory_stream", __name__, url_prefix="/api/v1/learning")
log = logging.getLogger(__name__)

# The data line of a terminal event (framing puts `type` first in compact JSON).
_TERMINAL = re.compile(r'^data: \{"type":"stream_(complete|error)"', re.MULTILINE)


def _service(kind: str) -> TicketStreamService:
    """The stream service of a route's kind."""
    return services().lesson_streams if kind == "theory" else services().answer_streams


def _stream_doc(event_schema: dict, query: type | None = None) -> dict:
    """A stream GET: always 200 (a refused ticket is one `stream_error` event, without id).

    With a `query` model, a query that breaks it is a 422 before any ticket is looked at.
    """
    extra = {"query": query} if query is not None else {}
    return {
        **extra,
        "headers": StreamHeaders,
        "resp": documented(
            200,
            errors=(422,) if query is not None else (),
            media_type="text/event-stream",
            body_schema=event_schema,
            headers=STREAM_HEADERS,
            description="SSE events, `id:` + `data:` each; a refusal is one `stream_error`.",
        ),
        "tags": ["learning"],
        # The ticket is the credential; a token, when sent, must belong to its owner.
        "security": [{}, {"bearer": []}],
    }


CANCEL_DOC = {
    # 503: the stream store (or the database) does not answer.
    "resp": documented(202, EmptyResponse, errors=(*BODY_GUARD, 401, 404, 503)),
    "tags": ["learning"],
    "security": [{"bearer": []}],
}


def _sse(kind: str, temp_id: str):
    if request.method == "HEAD":
        # Link previews and probes send HEAD: it must not claim the one-time ticket.
        return "", 200, SSE_HEADERS
    settings = current_app.config["SETTINGS"]
    prepare_stream_socket(request.environ, settings.STREAM_SEND_TIMEOUT_SECONDS)
    try:
        body = _service(kind).open(
            temp_id,
            request.headers.get("Authorization"),
            request.headers.get("Last-Event-ID"),
            previews=request.args.get("preview") == "1",
        )
    except Exception as exc:
        engine = unavailable_engine(exc)
        if engine is None:
            raise
        # The ticket could not even be looked at: one refusal, as for any refused stream.
        log.warning("Stream refused: the %s is unavailable: %s", engine, failure_summary(exc))
        return iter([_store_unavailable(engine)]), 200, SSE_HEADERS
    body = until_engine_fails(body, _store_unavailable, lambda chunk: bool(_TERMINAL.search(chunk)))
    # A (body, status, headers) tuple, not a Response: spectree would read a Response's
    # whole body after the view (see problems/generate-stream).
    return body, 200, SSE_HEADERS


def _store_unavailable(engine: str) -> str:
    """The `stream_error STORE_UNAVAILABLE` (no id) a stream gets when an engine is down."""
    return sse_event(None, stream_error("STORE_UNAVAILABLE", unavailable_message(engine)))


def _cancel(kind: str, temp_id: str):
    _service(kind).cancel(temp_id, current_user.id)
    return ok({}, status=202)


@bp.get("/theory-stream/<string:temp_id>")
@spec.validate(**_stream_doc(LESSON_EVENT, LessonStreamQuery))
def theory_stream(temp_id: str):
    """The lesson as SSE events."""
    return _sse("theory", temp_id)


@bp.post("/theory-stream/<string:temp_id>/cancel")
@jwt_required()
@spec.validate(**CANCEL_DOC)
def cancel_theory_stream(temp_id: str):
    """Stop the lesson's run (also fine when it already ended): 202."""
    return _cancel("theory", temp_id)


@bp.get("/qna-stream/<string:temp_id>")
@spec.validate(**_stream_doc(ANSWER_EVENT))
def qna_stream(temp_id: str):
    """The answer as SSE events."""
    return _sse("qna", temp_id)


@bp.post("/qna-stream/<string:temp_id>/cancel")
@jwt_required()
@spec.validate(**CANCEL_DOC)
def cancel_qna_stream(temp_id: str):
    """Stop the answer's run (also fine when it already ended): 202."""
    return _cancel("qna", temp_id)
