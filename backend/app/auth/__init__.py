"""Accounts and JWT authentication (DESIGN 4.1)."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

from backend.app.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
