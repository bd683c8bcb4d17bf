"""Register, login, refresh (rotating), logout and the learner's own profile."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_jwt_extended import current_user, get_jwt, jwt_required

from backend.app.api.envelope import ok
from backend.app.api.responses import BODY_GUARD, VALIDATED_BODY, documented
from backend.app.auth.refresh_tokens import RefreshTokenStore
from backend.app.auth.schemas import (
    EmptyResponse,
    LoginRequest,
    RegisterRequest,
    TokenResponse,
    UpdateMeRequest,
    UserResponse,
)
from backend.app.auth.tokens import issue_token_pair
from backend.app.auth.users import UserRepository
from backend.app.errors import APIError
from backend.app.extensions import client_ip, limiter, spec
from backend.app.services.container import services

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

_INVALID_CREDENTIALS = "Invalid username or password."
_BEARER = [{"bearer": []}]


def _login_limit() -> str:
    return current_app.config["SETTINGS"].RATE_LIMIT_LOGIN


def _login_address_limit() -> str:
    return current_app.config["SETTINGS"].RATE_LIMIT_LOGIN_PER_ADDRESS


def _login_pair_key() -> str:
    # Never the username alone: failures from other addresses must not lock its owner out.
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    name = username.lower()[:64] if isinstance(username, str) else ""
    return f"user:{name}|ip:{client_ip()}"


def _login_failed(response) -> bool:
    # Only wrong credentials spend the budget: the owner's own logins never use it up.
    return response.status_code == 401


def _passwords():
    return services().passwords


@bp.post("/register")
@limiter.limit(_login_limit, key_func=client_ip, scope="register-ip")
@spec.validate(
    json=RegisterRequest,
    resp=documented(201, UserResponse, errors=(*VALIDATED_BODY, 409, 429)),
    tags=["auth"],
)
def register(json: RegisterRequest):
    """Create an account."""
    user = UserRepository(services().database).create(
        json.username, _passwords().hash(json.password)
    )
    return ok({"user": user.to_public()}, status=201)


@bp.post("/login")
@limiter.limit(
    _login_address_limit, key_func=client_ip, scope="login-ip", deduct_when=_login_failed
)
@limiter.limit(
    _login_limit, key_func=_login_pair_key, scope="login-user-ip", deduct_when=_login_failed
)
@spec.validate(
    json=LoginRequest,
    resp=documented(200, TokenResponse, errors=(*VALIDATED_BODY, 401, 429)),
    tags=["auth"],
)
def login(json: LoginRequest):
    """Exchange credentials for an access + refresh token pair."""
    users = UserRepository(services().database)
    user = users.by_username(json.username)
    # Unknown users are checked against a dummy hash: same body, same time.
    if not _passwords().verify(user.password_hash if user else None, json.password):
        raise APIError(401, "UNAUTHORIZED", _INVALID_CREDENTIALS)
    if _passwords().needs_rehash(user.password_hash):
        users.update(user.id, password_hash=_passwords().hash(json.password))
    return ok(issue_token_pair(user))


@bp.post("/refresh")
@jwt_required(refresh=True)
@spec.validate(
    resp=documented(200, TokenResponse, errors=(*BODY_GUARD, 401)),
    tags=["auth"],
    security=_BEARER,
)
def refresh():
    """Rotate the refresh token (sent as Bearer): the old one stops working."""
    consumed = RefreshTokenStore(services().database).consume(get_jwt()["jti"])
    if consumed is None:
        raise APIError(401, "UNAUTHORIZED", "The refresh token is no longer valid.")
    return ok(issue_token_pair(current_user, family_id=consumed.family_id))


@bp.post("/logout")
@jwt_required(refresh=True)
@spec.validate(
    resp=documented(200, EmptyResponse, errors=(*BODY_GUARD, 401)),
    tags=["auth"],
    security=_BEARER,
)
def logout():
    """Revoke the refresh token sent as Bearer."""
    RefreshTokenStore(services().database).revoke(get_jwt()["jti"])
    return ok({})


@bp.get("/me")
@jwt_required()
@spec.validate(resp=documented(200, UserResponse, errors=(401,)), tags=["auth"], security=_BEARER)
def me():
    """The signed-in user."""
    return ok({"user": current_user.to_public()})


@bp.patch("/me")
@jwt_required()
@spec.validate(
    json=UpdateMeRequest,
    resp=documented(200, UserResponse, errors=(*VALIDATED_BODY, 401)),
    tags=["auth"],
    security=_BEARER,
)
def update_me(json: UpdateMeRequest):
    """Change the learner's level (beginner or advanced)."""
    user = UserRepository(services().database).update(current_user.id, user_type=json.user_type)
    if user is None:
        raise APIError(401, "UNAUTHORIZED", "The account no longer exists.")
    return ok({"user": user.to_public()})
