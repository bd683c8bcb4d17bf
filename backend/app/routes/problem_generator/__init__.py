"""Blueprint "problem_generator": the NDJSON generation stream and the read endpoints
(DESIGN 4.3)."""

from flask import Blueprint

bp = Blueprint("problem_generator", __name__, url_prefix="/api/v1/problems")

from backend.app.routes.problem_generator import generate, problems  # noqa: E402,F401
