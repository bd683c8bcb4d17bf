"""GET theory-stream/<ticket> (SSE) and POST its cancel (DESIGN 4.2)."""

from flask import Response, current_app, request
from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.routes.learning import bp
from backend.app.streaming.socket_options import send_small_writes_at_once

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _streams():
    return current_app.extensions["tutor.theory_streams"]


@bp.get("/theory-stream/<string:temp_id>")
def theory_stream(temp_id: str):
    """The lesson as SSE events; the ticket is the credential (a native EventSource sends no headers)."""
    send_small_writes_at_once(request.environ)
    body = _streams().open(
        temp_id, request.headers.get("Authorization"), request.headers.get("Last-Event-ID")
    )
    return Response(body, status=200, mimetype="text/event-stream", headers=SSE_HEADERS)


@bp.post("/theory-stream/<string:temp_id>/cancel")
@jwt_required()
def cancel_theory_stream(temp_id: str):
    """Stop the lesson's run (also fine when it already ended): 202."""
    _streams().cancel(temp_id, current_user.id)
    return ok({}, status=202)
