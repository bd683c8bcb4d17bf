"""Serve the built frontend: its files, and index.html for every other page (history mode)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

bp = Blueprint("frontend", __name__)

FRONTEND_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"


class PagePathConverter(PathConverter):
    """Any path except the server's own (`api/...`, `healthz`, `readyz`, `metrics`).

    Those never match the page route, so an unknown one is a JSON 404 (or 405), never the
    app's index.html.
    """

    regex = r"(?!(?:api|healthz|readyz|metrics)(?:/|$))[^/].*?"


def register_frontend(app: Flask) -> None:
    """Serve the built frontend for every page path."""
    app.url_map.converters["page"] = PagePathConverter
    app.register_blueprint(bp)


_NOT_BUILT = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>AI 튜터</title></head>
<body><h1>AI 튜터</h1><p>The frontend is not built yet. The API is at
<a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>
"""


@bp.get("/", defaults={"path": ""})
@bp.get("/<page:path>")
def spa(path: str):
    """A built asset if one matches, else the app's index.html."""
    dist = current_app.config.get("FRONTEND_DIST", FRONTEND_DIST)
    # Join safely before looking: a path out of the build must look like a missing file,
    # or the answer would tell which files exist elsewhere on the server.
    asset = safe_join(str(dist), path) if path else None
    if asset is not None and Path(asset).is_file():
        return send_from_directory(
            dist, path, max_age=31536000 if path.startswith("assets/") else 0
        )
    if (dist / "index.html").is_file():
        response = send_from_directory(dist, "index.html", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response
    return Response(_NOT_BUILT, mimetype="text/html")
