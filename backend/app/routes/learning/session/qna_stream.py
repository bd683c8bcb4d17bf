"""GET qna-stream/<ticket> (SSE) and POST its cancel (DESIGN 4.2.2)."""

from flask import Response, current_app, request
from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.routes.learning import bp
from backend.app.routes.learning.session.theory_stream import SSE_HEADERS
from backend.app.streaming.socket_options import send_small_writes_at_once


def _streams():
    return current_app.extensions["tutor.qna_streams"]


@bp.get("/qna-stream/<string:temp_id>")
def qna_stream(temp_id: str):
    """The answer as SSE events; the ticket is the credential (as for theory streams)."""
    send_small_writes_at_once(request.environ)
    body = _streams().open(
        temp_id, request.headers.get("Authorization"), request.headers.get("Last-Event-ID")
    )
    return Response(body, status=200, mimetype="text/event-stream", headers=SSE_HEADERS)


@bp.post("/qna-stream/<string:temp_id>/cancel")
@jwt_required()
def cancel_qna_stream(temp_id: str):
    """Stop the answer's run (also fine when it already ended): 202."""
    _streams().cancel(temp_id, current_user.id)
    return ok({}, status=202)
