"""Issue JWT pairs and wire flask-jwt-extended's failures to the error shape."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask, current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token

from backend.app.auth.refresh_tokens import RefreshTokenStore
from backend.app.errors import APIError, error_response
from backend.app.extensions import jwt
from backend.app.services.container import services
from backend.app.storage.models import User


def issue_token_pair(user: User, family_id: str | None = None) -> dict:
    """A new access + refresh pair; the refresh token is recorded for rotation."""
    settings = current_app.config["SETTINGS"]
    access = create_access_token(identity=user.id)
    refresh = create_refresh_token(identity=user.id)
    claims = decode_token(refresh)
    RefreshTokenStore(services().database).record(
        jti=claims["jti"],
        user_id=user.id,
        family_id=family_id or str(uuid.uuid4()),
        expires_at=float(claims["exp"]),
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": settings.JWT_ACCESS_TOKEN_EXPIRES_SECONDS,
        "user": user.to_public(),
    }


def register_jwt(app: Flask) -> None:
    """Configure flask-jwt-extended from settings and route its errors to our handlers."""
    settings = app.config["SETTINGS"]
    app.config.update(
        JWT_SECRET_KEY=settings.jwt_secret,
        JWT_ALGORITHM="HS256",
        JWT_TOKEN_LOCATION=["headers"],
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=settings.JWT_ACCESS_TOKEN_EXPIRES_SECONDS),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(seconds=settings.JWT_REFRESH_TOKEN_EXPIRES_SECONDS),
        JWT_ERROR_MESSAGE_KEY="message",
    )
    jwt.init_app(app)


def _unauthorized(message: str = "Authentication is required."):
    return error_response(APIError(401, "UNAUTHORIZED", message))


@jwt.expired_token_loader
def _expired(_header, _payload):
    return error_response(APIError(401, "TOKEN_EXPIRED"))


@jwt.unauthorized_loader
def _missing(_reason):
    return _unauthorized()


@jwt.invalid_token_loader  # also a refresh token where an access token belongs, and back
def _invalid(_reason):
    return _unauthorized("The token is invalid.")


@jwt.revoked_token_loader
def _revoked(_header, _payload):
    return _unauthorized("The token has been revoked.")


@jwt.user_lookup_loader
def _load_user(_header, payload):
    from backend.app.auth.users import UserRepository

    return UserRepository(services().database).by_id(payload["sub"])


@jwt.user_lookup_error_loader
def _user_gone(_header, _payload):
    return _unauthorized("The account no longer exists.")
