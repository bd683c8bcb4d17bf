"""Secrets named by `<SETTING>_SECRET_ARN` are read from Secrets Manager at start-up.

Secrets Manager is served over HTTP by moto's server mode and read with the real boto3
client the app uses.
"""

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from backend.app import create_app
from backend.app.config import ConfigError, Settings
from backend.app.config_secrets import resolve_secrets
from tests.support.live_server import free_port

REGION = "us-east-1"
JWT_KEY = "j" * 48
METRICS_TOKEN = "metrics-token-from-the-secret"


@pytest.fixture(scope="module")
def secrets_endpoint():
    """A Secrets Manager API on a loopback port for this module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def test_credentials(monkeypatch, tmp_path):
    """Keys of the test's own, and none of the machine's shared files."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        empty = tmp_path / name.lower()
        empty.write_text("")
        monkeypatch.setenv(name, str(empty))


def _secret(endpoint: str, value: str) -> str:
    """Store `value` as a new secret; returns its ARN."""
    client = boto3.session.Session().client(
        "secretsmanager", endpoint_url=endpoint, region_name=REGION
    )
    name = f"tutor/{uuid.uuid4().hex[:8]}"
    return client.create_secret(Name=name, SecretString=value)["ARN"]


def _production(tmp_path, endpoint: str, **values) -> Settings:
    return Settings(
        _env_file=None,
        APP_ENV="production",
        DATA_DIR=tmp_path / "data",
        SECRETS_MANAGER_ENDPOINT_URL=endpoint,
        **values,
    )


def test_production_starts_with_its_secrets_named_only_by_arn(tmp_path, secrets_endpoint):
    database = f"sqlite:///{tmp_path / 'from-secret.db'}"
    settings = _production(
        tmp_path,
        secrets_endpoint,
        JWT_SECRET_KEY_SECRET_ARN=_secret(secrets_endpoint, JWT_KEY),
        METRICS_TOKEN_SECRET_ARN=_secret(secrets_endpoint, METRICS_TOKEN),
        DATABASE_URL_SECRET_ARN=_secret(secrets_endpoint, database),
        LLM_PROVIDER="openai",
        OPENAI_API_KEY_SECRET_ARN=_secret(secrets_endpoint, "sk-from-the-secret"),
    )
    app = create_app(settings)
    resolved = app.config["SETTINGS"]
    assert app.config["JWT_SECRET_KEY"] == JWT_KEY
    assert resolved.OPENAI_API_KEY == "sk-from-the-secret"
    assert resolved.database_url == database
    assert (tmp_path / "from-secret.db").exists()
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert metrics.status_code == 200


def test_settings_without_arns_are_used_as_they_are(tmp_path):
    settings = Settings(_env_file=None, DATA_DIR=tmp_path, METRICS_TOKEN="plain")
    assert resolve_secrets(settings) is settings


def test_a_missing_secret_refuses_start_up_naming_the_setting(tmp_path, secrets_endpoint):
    arn = _secret(secrets_endpoint, "x").rsplit(":", 1)[0] + ":tutor/missing-AbCdEf"
    settings = _production(tmp_path, secrets_endpoint, METRICS_TOKEN_SECRET_ARN=arn)
    with pytest.raises(ConfigError, match=r"METRICS_TOKEN_SECRET_ARN.*ResourceNotFoundException"):
        create_app(settings)


def test_an_unreachable_secrets_manager_refuses_start_up_after_bounded_retries(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:tutor/jwt-AbCdEf"
    settings = _production(tmp_path, closed, JWT_SECRET_KEY_SECRET_ARN=arn)
    with pytest.raises(ConfigError, match=r"JWT_SECRET_KEY_SECRET_ARN.*could not be reached"):
        create_app(settings)


def test_a_setting_and_its_arn_together_are_refused_without_the_value(tmp_path, secrets_endpoint):
    arn = _secret(secrets_endpoint, JWT_KEY)
    settings = _production(
        tmp_path, secrets_endpoint, JWT_SECRET_KEY="k" * 40, JWT_SECRET_KEY_SECRET_ARN=arn
    )
    with pytest.raises(ConfigError, match="not both") as refused:
        create_app(settings)
    assert "k" * 40 not in str(refused.value) and JWT_KEY not in str(refused.value)


@pytest.mark.parametrize("arn", ["tutor/jwt", "arn:aws:s3:::bucket/key"])
def test_a_value_that_is_no_secret_arn_is_refused(tmp_path, arn):
    settings = _production(tmp_path, "", JWT_SECRET_KEY_SECRET_ARN=arn)
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY_SECRET_ARN is not a Secrets Manager"):
        resolve_secrets(settings)


def test_the_redis_url_comes_from_its_secret_and_selects_the_redis_stream_store(
    tmp_path, secrets_endpoint
):
    redis_url = "rediss://:token-from-the-secret@cache.internal:6379/0"
    settings = _production(
        tmp_path,
        secrets_endpoint,
        JWT_SECRET_KEY_SECRET_ARN=_secret(secrets_endpoint, JWT_KEY),
        REDIS_URL_SECRET_ARN=_secret(secrets_endpoint, redis_url),
    )
    resolved = resolve_secrets(settings)
    assert redis_url == resolved.REDIS_URL
    # Streams, limits and caps then live in that Redis (DESIGN 4.4).
    assert resolved.stream_store == "redis"
    assert resolved.ratelimit_storage_uri == redis_url
