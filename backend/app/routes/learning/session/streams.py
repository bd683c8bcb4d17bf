"""GET theory-stream/<ticket> and qna-stream/<ticket> (SSE), and their cancel (DESIGN 4.2).

Both kinds share the ticket machinery (learning/ticket_streams.py): the ticket is the
credential, since a native EventSource sends no headers.
"""

from flask import Response, current_app, request
from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.routes.learning import bp
from backend.app.streaming.socket_options import send_small_writes_at_once

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SERVICES = {"theory": "tutor.theory_streams", "qna": "tutor.qna_streams"}


def _sse(kind: str, temp_id: str) -> Response:
    send_small_writes_at_once(request.environ)
    body = current_app.extensions[SERVICES[kind]].open(
        temp_id, request.headers.get("Authorization"), request.headers.get("Last-Event-ID")
    )
    return Response(body, status=200, mimetype="text/event-stream", headers=SSE_HEADERS)


def _cancel(kind: str, temp_id: str):
    current_app.extensions[SERVICES[kind]].cancel(temp_id, current_user.id)
    return ok({}, status=202)


@bp.get("/theory-stream/<string:temp_id>")
def theory_stream(temp_id: str):
    """The lesson as SSE events."""
    return _sse("theory", temp_id)


@bp.post("/theory-stream/<string:temp_id>/cancel")
@jwt_required()
def cancel_theory_stream(temp_id: str):
    """Stop the lesson's run (also fine when it already ended): 202."""
    return _cancel("theory", temp_id)


@bp.get("/qna-stream/<string:temp_id>")
def qna_stream(temp_id: str):
    """The answer as SSE events."""
    return _sse("qna", temp_id)


@bp.post("/qna-stream/<string:temp_id>/cancel")
@jwt_required()
def cancel_qna_stream(temp_id: str):
    """Stop the answer's run (also fine when it already ended): 202."""
    return _cancel("qna", temp_id)
