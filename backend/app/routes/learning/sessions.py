"""GET sessions and session/<id>: the learner's sessions, read-only."""

from flask_jwt_extended import current_user, jwt_required

from backend.app.api.envelope import ok
from backend.app.api.responses import documented
from backend.app.extensions import spec
from backend.app.routes.learning import bp
from backend.app.routes.learning.schemas import SessionsResponse, SessionViewResponse
from backend.app.services.container import services


@bp.get("/sessions")
@jwt_required()
@spec.validate(
    resp=documented(200, SessionsResponse, errors=(401,)),
    tags=["learning"],
    security=[{"bearer": []}],
)
def list_sessions():
    """The caller's sessions, newest first, with progress."""
    return ok({"sessions": services().session_views.list_sessions(current_user)})


@bp.get("/session/<string:session_id>")
@jwt_required()
@spec.validate(
    resp=documented(200, SessionViewResponse, errors=(401, 404)),
    tags=["learning"],
    security=[{"bearer": []}],
)
def get_session(session_id: str):
    """One session as the learner sees it (owner only)."""
    return ok(services().session_views.session_view(current_user, session_id))
