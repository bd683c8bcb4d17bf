"""Security headers, proxy trust and CORS (DESIGN 4.0)."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from backend.app.extensions import cors

# The built frontend loads only its own files: no inline scripts, no third parties.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# The API docs pages ship as single self-contained HTML files with inline code.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# spectree serves one page per UI at /api/v1/docs/<ui>/.
DOCS_PATHS = ("/api/v1/docs/swagger/", "/api/v1/docs/redoc/")
# Browsers keep using https for a year once they saw it. No includeSubDomains: the
# app cannot know whether its domain's other hosts all speak https.
HSTS = "max-age=31536000"


def register_security(app: Flask) -> None:
    """Trust TRUSTED_PROXY_HOPS proxies, allow CORS_ORIGINS, and add the security headers."""
    settings = app.config["SETTINGS"]
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": settings.cors_origins}},
        expose_headers=["X-Request-ID", "Retry-After"],
        allow_headers=["Authorization", "Content-Type", "Last-Event-ID", "X-Request-ID"],
        max_age=600,
    )
    app.after_request(_security_headers)


def _security_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # https as the client saw it: a trusted proxy's X-Forwarded-Proto (ProxyFix, when
    # TRUSTED_PROXY_HOPS > 0) or TLS ended here. HSTS over plain http is ignored anyway.
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if response.mimetype == "text/html":
        docs = request.path in DOCS_PATHS
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else APP_CSP
        response.headers["X-Frame-Options"] = "DENY"
    return response
