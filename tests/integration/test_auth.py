"""Auth (DESIGN 4.1): register, login, rotation, logout, me, expiry; no token in logs."""

from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token

from tests.conftest import PASSWORD


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_register_returns_the_public_user(client):
    response = client.post(
        "/api/v1/auth/register", json={"username": "Learner.01", "password": PASSWORD}
    )
    assert response.status_code == 201
    user = response.json["data"]["user"]
    assert set(user) == {"id", "username", "user_type"}
    assert user["username"] == "Learner.01"
    assert user["user_type"] == "beginner"
    assert response.json["success"] is True


def test_duplicate_username_conflicts_in_any_case(client, auth):
    auth.register("taken_name")
    response = client.post(
        "/api/v1/auth/register", json={"username": "TAKEN_name", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "CONFLICT"


def test_login_returns_a_token_pair(auth):
    user = auth.register()
    data = auth.login(user["username"])
    assert set(data) == {"access_token", "refresh_token", "expires_in", "user"}
    assert data["expires_in"] == 900
    assert data["user"]["id"] == user["id"]


def test_wrong_password_and_unknown_user_get_identical_answers(client, auth):
    user = auth.register()
    wrong = client.post(
        "/api/v1/auth/login", json={"username": user["username"], "password": "wrong password"}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"username": "nobody_here", "password": "wrong password"}
    )
    assert wrong.status_code == unknown.status_code == 401

    def without_request_id(body):
        return {k: v for k, v in body["error"].items() if k != "request_id"}

    assert without_request_id(wrong.json) == without_request_id(unknown.json)
    assert wrong.json["error"]["code"] == "UNAUTHORIZED"


def test_me_and_patch_me(client, auth):
    user = auth.register()
    headers = bearer(auth.login(user["username"])["access_token"])
    assert client.get("/api/v1/auth/me", headers=headers).json["data"]["user"] == {
        "id": user["id"],
        "username": user["username"],
        "user_type": "beginner",
    }
    patched = client.patch("/api/v1/auth/me", json={"user_type": "advanced"}, headers=headers)
    assert patched.status_code == 200
    assert patched.json["data"]["user"]["user_type"] == "advanced"
    assert client.get("/api/v1/auth/me", headers=headers).json["data"]["user"]["user_type"] == (
        "advanced"
    )


def test_refresh_rotates_and_the_old_token_is_refused(client, auth):
    user = auth.register()
    first = auth.login(user["username"])
    rotated = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert rotated.status_code == 200
    second = rotated.json["data"]
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200

    reused = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert reused.status_code == 401
    assert reused.json["error"]["code"] == "UNAUTHORIZED"
    # Reuse of a rotated token revokes its whole family: the newer one stops working too.
    assert (
        client.post("/api/v1/auth/refresh", headers=bearer(second["refresh_token"])).status_code
        == 401
    )


def test_logout_revokes_the_refresh_token(client, auth):
    user = auth.register()
    tokens = auth.login(user["username"])
    assert (
        client.post("/api/v1/auth/logout", headers=bearer(tokens["refresh_token"])).status_code
        == 200
    )
    refused = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert refused.status_code == 401


def test_expired_access_token_says_token_expired(app, client, auth):
    user = auth.register()
    with app.app_context():
        expired = create_access_token(identity=user["id"], expires_delta=timedelta(seconds=-5))
    response = client.get("/api/v1/auth/me", headers=bearer(expired))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "TOKEN_EXPIRED"


@pytest.mark.parametrize(
    "headers",
    [{}, bearer("not-a-jwt"), {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["missing", "garbage", "basic"],
)
def test_missing_or_invalid_token_is_unauthorized(client, headers):
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"
    assert response.json["error"]["request_id"] == response.headers["X-Request-ID"]


def test_token_types_are_not_interchangeable(client, auth):
    user = auth.register()
    tokens = auth.login(user["username"])
    assert client.get("/api/v1/auth/me", headers=bearer(tokens["refresh_token"])).status_code == 401
    assert (
        client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])).status_code
        == 401
    )


def test_token_signed_with_another_key_is_refused(make_settings, client, auth):
    from backend.app import create_app

    user = auth.register()
    other_app = create_app(make_settings(JWT_SECRET_KEY="x" * 40))
    with other_app.app_context():
        forged = create_access_token(identity=user["id"])
    assert client.get("/api/v1/auth/me", headers=bearer(forged)).status_code == 401


def test_logs_of_an_auth_session_hold_no_token(client, auth, caplog, capfd):
    caplog.set_level("DEBUG")
    user = auth.register()
    tokens = auth.login(user["username"])
    client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))  # reuse: warns
    client.get("/api/v1/learning/theory-stream/SuperSecretTicket123")
    client.post("/api/v1/auth/logout", headers=bearer(tokens["refresh_token"]))
    captured = caplog.text + capfd.readouterr().err
    assert "request_id=" in captured
    for secret in (
        tokens["access_token"],
        tokens["refresh_token"],
        "SuperSecretTicket123",
        PASSWORD,
    ):
        assert secret not in captured
    assert "eyJ" not in captured
