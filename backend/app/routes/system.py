"""Health, readiness, product metadata, metrics and the docs entry point."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, redirect, request
from pydantic import BaseModel

from backend.app.api.envelope import ok
from backend.app.api.responses import documented
from backend.app.api.schemas import envelope
from backend.app.errors import APIError
from backend.app.extensions import limiter, spec
from backend.app.observability.metrics import render_metrics
from backend.app.services.container import services
from backend.app.storage.unavailable import DATABASE, STREAM_STORE, failure_summary
from backend.app.version import VERSION

bp = Blueprint("system", __name__)
log = logging.getLogger(__name__)


class Meta(BaseModel):
    """What the client shows about the running product."""

    llm_provider: str
    offline: bool
    version: str


class Status(BaseModel):
    """A probe's verdict."""

    status: str


@bp.get("/healthz")
@limiter.exempt
@spec.validate(resp=documented(200, envelope("HealthResponse", Status)), tags=["system"])
def healthz():
    """Liveness: the process answers."""
    return ok({"status": "ok"})


@bp.get("/readyz")
@limiter.exempt
@spec.validate(
    resp=documented(200, envelope("ReadyResponse", Status), errors=(503,)), tags=["system"]
)
def readyz():
    """Readiness: the database and the stream store answer.

    503 UPSTREAM_UNAVAILABLE names those that do not (with Redis, the stream store is
    Redis); the probe is ready again as soon as they answer, without a restart.
    """
    built = services()
    engines = {DATABASE: built.database.ping, STREAM_STORE: built.stream_store.ping}
    down = [engine for engine, ping in engines.items() if not _answers(engine, ping)]
    if down:
        verb = "is" if len(down) == 1 else "are"
        message = f"Not ready: the {' and the '.join(down)} {verb} unavailable."
        raise APIError(503, "UPSTREAM_UNAVAILABLE", message)
    return ok({"status": "ready"})


def _answers(engine: str, ping) -> bool:
    """Whether `ping` returns; a failure is logged in one line (the probe runs often)."""
    try:
        ping()
    except Exception as exc:
        log.warning(
            "Readiness check failed: the %s is unavailable: %s", engine, failure_summary(exc)
        )
        return False
    return True


@bp.get("/api/v1/meta")
@spec.validate(resp=documented(200, envelope("MetaResponse", Meta)), tags=["system"])
def meta():
    """Which model provider serves this instance, and the product version."""
    provider = current_app.config["SETTINGS"].LLM_PROVIDER
    return ok({"llm_provider": provider, "offline": provider == "offline", "version": VERSION})


@bp.get("/api/v1/docs")
@bp.get("/api/v1/docs/")
def docs():
    """The API reference page (Swagger UI, served offline)."""
    return redirect("/api/v1/docs/swagger/", code=302)


@bp.get("/api/v1/openapi.json")
def openapi_document():
    """The OpenAPI 3 document of every JSON endpoint."""
    return jsonify(spec.spec)


@bp.get("/metrics")
@limiter.exempt
@spec.validate(
    resp=documented(
        200, media_type="text/plain", errors=(401,), description="Prometheus text format."
    ),
    tags=["system"],
    # Public unless METRICS_TOKEN is set; then that token (not a JWT) as Bearer.
    security=[{}, {"metrics_token": []}],
)
def metrics():
    """Prometheus metrics of every worker; needs METRICS_TOKEN as Bearer when it is set."""
    token = current_app.config["SETTINGS"].METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise APIError(401, "UNAUTHORIZED", "A valid metrics token is required.")
    body, content_type = render_metrics()
    return Response(body, content_type=content_type)
