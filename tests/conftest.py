"""Fixture chain: settings -> app -> client -> auth helper; plus fakes and live servers."""

from __future__ import annotations

import os
import uuid

import pytest

from backend.app import create_app
from backend.app.config import Settings

pytest_plugins = [
    "tests.fakes.plugin",
    "tests.support.live_server",
    "tests.support.dynamodb_local",
    "tests.support.redis_server",
    "tests.support.cluster",
    "tests.support.postgres_server",
    "tests.support.sandboxes",
]

PASSWORD = "correct horse battery"

# DESIGN 7: boto3's credential chain must never ask the EC2 metadata address (off loopback);
# set before any test, so live servers started by the tests inherit it too.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment():
    """Settings come from each test alone, never from the machine's environment or .env."""
    saved = {name: os.environ.pop(name) for name in Settings.model_fields if name in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture
def make_settings(tmp_path):
    """Build test settings; keyword arguments override the defaults."""

    def factory(**overrides) -> Settings:
        values = {
            "APP_ENV": "testing",
            "DATA_DIR": tmp_path / "data",
            "LLM_PROVIDER": "offline",
            "OFFLINE_LLM_TOKENS_PER_SECOND": 0,
            "RATE_LIMIT_LOGIN": "1000/minute",
            "RATE_LIMIT_LOGIN_PER_ADDRESS": "1000/minute",
            **overrides,
        }
        return Settings(_env_file=None, **values)

    return factory


@pytest.fixture
def settings(make_settings) -> Settings:
    """Default test settings: offline model, SQLite in a temp dir."""
    return make_settings()


@pytest.fixture
def app(settings):
    """The app under test."""
    return create_app(settings)


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


class AuthHelper:
    """Register and log in users through the API itself."""

    def __init__(self, client) -> None:
        self.client = client

    def register(self, username: str | None = None, password: str = PASSWORD) -> dict:
        """Create a user; returns the API's user object plus the password used."""
        username = username or f"user_{uuid.uuid4().hex[:10]}"
        response = self.client.post(
            "/api/v1/auth/register", json={"username": username, "password": password}
        )
        assert response.status_code == 201, response.json
        return {**response.json["data"]["user"], "password": password}

    def login(self, username: str, password: str = PASSWORD) -> dict:
        """The token pair (`data` of a successful login)."""
        response = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.json
        return response.json["data"]

    def new_user_headers(self) -> dict:
        """Authorization headers for a fresh user."""
        user = self.register()
        tokens = self.login(user["username"])
        return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def auth(client) -> AuthHelper:
    """Helper to register and log in through the API."""
    return AuthHelper(client)


from hypothesis import settings as hypothesis_settings  # noqa: E402

# DESIGN 7: no deadlines (shared, noisy machines) and reproducible examples in CI.
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci")
