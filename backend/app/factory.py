"""Assemble the Flask app from small register_* steps."""

from __future__ import annotations

from flask import Flask

from backend.app.auth.tokens import register_jwt
from backend.app.cli import register_commands
from backend.app.config import Settings
from backend.app.config_secrets import resolve_secrets
from backend.app.extensions import limiter, spec
from backend.app.observability.logging_setup import configure_logging
from backend.app.routes.auth import bp as auth_bp
from backend.app.routes.learning import bp as learning_bp
from backend.app.routes.problem_generator import bp as problem_generator_bp
from backend.app.routes.system import bp as system_bp
from backend.app.routes.theory_stream import bp as theory_stream_bp
from backend.app.services.container import register_services
from backend.app.web.error_handlers import register_error_handlers
from backend.app.web.frontend import register_frontend
from backend.app.web.json_body import register_json_body_guard
from backend.app.web.request_context import register_request_context
from backend.app.web.security import register_security


def build_app(settings: Settings | None = None) -> Flask:
    """The whole application, configured by `settings` (default: the environment)."""
    # Secrets named by ARN settings are read first, so the checks see the real values.
    settings = resolve_secrets(settings or Settings())
    settings.validate_for_startup()
    configure_logging(settings.LOG_LEVEL)

    app = Flask("backend.app")
    app.config["SETTINGS"] = settings
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    register_request_context(app)
    register_security(app)
    register_json_body_guard(app)
    register_error_handlers(app)
    register_services(app)
    register_jwt(app)
    register_rate_limits(app)
    register_blueprints(app)
    register_commands(app)
    return app


# Redis connections the limiter's counters may use per worker (one check is one command).
LIMITER_REDIS_CONNECTIONS = 8


def register_rate_limits(app: Flask) -> None:
    """Flask-Limiter on RATELIMIT_STORAGE_URI or REDIS_URL (memory: per worker; redis: shared)."""
    settings = app.config["SETTINGS"]
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    app.config["RATELIMIT_KEY_PREFIX"] = f"{settings.REDIS_KEY_PREFIX}limits"
    if settings.ratelimit_storage_uri.startswith(("redis://", "rediss://")):
        import redis

        # A bounded pool of its own (the worker's Redis connections stay bounded: the
        # stream store's REDIS_MAX_CONNECTIONS plus these), failing fast: a Redis that
        # drops packets must not hang requests, its failure is a 503 like any outage.
        pool = redis.BlockingConnectionPool.from_url(
            settings.ratelimit_storage_uri,
            max_connections=LIMITER_REDIS_CONNECTIONS,
            timeout=5,
            socket_connect_timeout=2,
            socket_timeout=5,
        )
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"connection_pool": pool}
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount every blueprint, then document them all in one OpenAPI document."""
    app.register_blueprint(system_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(theory_stream_bp)
    app.register_blueprint(problem_generator_bp)
    spec.register(app)
    # Last: the page route only answers paths no other route claimed.
    register_frontend(app)
