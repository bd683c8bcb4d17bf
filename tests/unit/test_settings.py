"""Settings: production refuses unsafe secrets; development makes its own."""

import traceback

import pytest

from backend.app import create_app
from backend.app.config import EXAMPLE_JWT_SECRET, ConfigError, Settings

STRONG_SECRET = "s" * 48


METRICS_TOKEN = "m" * 32


def production(tmp_path, **overrides) -> Settings:
    values = {"METRICS_TOKEN": METRICS_TOKEN, **overrides}
    return Settings(_env_file=None, APP_ENV="production", DATA_DIR=tmp_path, **values)


@pytest.mark.parametrize(
    "secret",
    ["", "too-short-secret", EXAMPLE_JWT_SECRET],
    ids=["missing", "short", "example"],
)
def test_production_refuses_weak_jwt_secret(tmp_path, secret):
    with pytest.raises(ConfigError):
        create_app(production(tmp_path, JWT_SECRET_KEY=secret))


def test_production_accepts_a_strong_secret(tmp_path):
    app = create_app(production(tmp_path, JWT_SECRET_KEY=STRONG_SECRET))
    assert app.config["JWT_SECRET_KEY"] == STRONG_SECRET


def test_production_refuses_to_start_without_a_metrics_token(tmp_path):
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        create_app(production(tmp_path, JWT_SECRET_KEY=STRONG_SECRET, METRICS_TOKEN=""))


@pytest.mark.parametrize("env", ["development", "testing"])
def test_development_and_testing_may_leave_the_metrics_token_unset(tmp_path, env):
    Settings(_env_file=None, APP_ENV=env, DATA_DIR=tmp_path).validate_for_startup()


def test_development_generates_one_secret_and_keeps_it(tmp_path):
    first = Settings(_env_file=None, APP_ENV="development", DATA_DIR=tmp_path).jwt_secret
    second = Settings(_env_file=None, APP_ENV="development", DATA_DIR=tmp_path).jwt_secret
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o077 == 0


def test_openai_provider_needs_a_key_or_a_server(tmp_path):
    with pytest.raises(ConfigError):
        create_app(
            Settings(_env_file=None, APP_ENV="testing", DATA_DIR=tmp_path, LLM_PROVIDER="openai")
        )


def test_provider_names_are_case_insensitive(tmp_path):
    settings = Settings(_env_file=None, DATA_DIR=tmp_path, LLM_PROVIDER="Offline")
    assert settings.LLM_PROVIDER == "offline"


def _refusal(settings) -> str:
    """The start-up refusal's message and traceback, as a log would show them."""
    with pytest.raises(ConfigError) as refused:
        create_app(settings)
    return "".join(traceback.format_exception(refused.value))


def test_a_bad_checkpoint_url_is_refused_without_its_password(make_settings):
    text = _refusal(make_settings(CHECKPOINT_URL="mysql://tutor:s3cret@db/tutor"))
    assert "CHECKPOINT_URL" in text and "mysql://tutor:[REDACTED]@db/tutor" in text
    assert "s3cret" not in text


def test_a_bad_database_url_is_refused_without_its_password(make_settings):
    text = _refusal(make_settings(DATABASE_URL="postgresql://tutor:s3cret@db:port/tutor"))
    assert "DATABASE_URL" in text and "postgresql://tutor:[REDACTED]@db:port/tutor" in text
    assert "s3cret" not in text
