"""RATE_LIMIT_LLM: one budget per user shared by every token-spending endpoint."""

from __future__ import annotations

from flask import current_app
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request

from backend.app.extensions import client_ip, limiter


def _llm_limit() -> str:
    return current_app.config["SETTINGS"].RATE_LIMIT_LLM


def _user_key() -> str:
    # The views put @jwt_required above this limit, so the token is usually verified
    # already: reuse that rather than decoding it and loading the user a second time.
    try:
        identity = get_jwt_identity()
    except RuntimeError:
        # Not verified yet (a limit checked before the view): read the token here; a
        # request without a valid one is refused by the view anyway and costs its IP's budget.
        try:
            verify_jwt_in_request(optional=True)
            identity = get_jwt_identity()
        except Exception:
            identity = None
    return f"user:{identity}" if identity else f"ip:{client_ip()}"


llm_rate_limit = limiter.shared_limit(_llm_limit, scope="llm", key_func=_user_key)
"""Decorator for routes that spend LLM tokens: `@llm_rate_limit` below the route."""
