"""GET /api/v1/learning/chapters: the course outline."""

from flask_jwt_extended import jwt_required

from backend.app.api.envelope import ok
from backend.app.api.responses import documented
from backend.app.extensions import spec
from backend.app.routes.learning import bp
from backend.app.routes.learning.schemas import ChaptersResponse
from backend.app.services.container import services


@bp.get("/chapters")
@jwt_required()
@spec.validate(
    resp=documented(200, ChaptersResponse, errors=(401,)),
    tags=["learning"],
    security=[{"bearer": []}],
)
def chapters():
    """Chapters and their sections."""
    return ok({"chapters": services().course.outline()})
