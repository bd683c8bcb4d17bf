"""Blueprint "learning": chapters, sessions, their turns and feedback (DESIGN 4.2)."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/api/v1/learning")

from backend.app.routes.learning import chapters, feedback, sessions  # noqa: E402,F401
from backend.app.routes.learning.session import turns  # noqa: E402,F401
