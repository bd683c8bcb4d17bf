"""The streaming AI tutor's Flask application."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from backend.app.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Create the app: see backend.app.factory for its register_* steps."""
    # Imported here, not at module level: gunicorn's master imports backend.app.config
    # before it forks gevent workers, and must not load ssl/httpx before they patch.
    from backend.app.factory import build_app

    return build_app(settings)
