"""Settings read from the environment (and `.env` in development): the only reader of env."""

from __future__ import annotations

import secrets
import time
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The placeholder shipped in .env.example; production refuses to run with it.
EXAMPLE_JWT_SECRET = "change-me-to-a-random-string-of-at-least-32-bytes"
MIN_JWT_SECRET_BYTES = 32


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the app refuses to start."""


class Settings(BaseSettings):
    """Every setting of the product, documented one by one in `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    # App
    APP_ENV: Literal["development", "production", "testing"] = "development"
    LOG_LEVEL: str = "INFO"
    DATA_DIR: Path = Path("./var")
    CORS_ORIGINS: str = ""
    TRUSTED_PROXY_HOPS: int = Field(0, ge=0, le=10)
    METRICS_TOKEN: str = ""
    MAX_REQUEST_BYTES: int = Field(64 * 1024, ge=1024)

    # Auth
    JWT_SECRET_KEY: str = ""
    JWT_ACCESS_TOKEN_EXPIRES_SECONDS: int = Field(900, ge=1)
    JWT_REFRESH_TOKEN_EXPIRES_SECONDS: int = Field(604800, ge=1)
    RATELIMIT_STORAGE_URI: str = ""  # empty: REDIS_URL when set, else memory:// (per worker)
    RATE_LIMIT_LOGIN: str = "10/minute"
    RATE_LIMIT_LOGIN_PER_ADDRESS: str = "30/minute"
    RATE_LIMIT_LLM: str = "30/minute"
    MAX_CONCURRENT_RUNS_PER_USER: int = Field(3, ge=1)

    # Stores
    DATABASE_URL: str = ""
    CHECKPOINT_URL: str = ""
    PROBLEM_STORE: Literal["sqlite", "dynamodb"] = "sqlite"
    PROBLEMS_TABLE_NAME: str = "Problems"
    DYNAMODB_ENDPOINT_URL: str = ""
    AWS_REGION: str = "ap-northeast-2"
    DYNAMODB_MAX_ATTEMPTS: int = Field(3, ge=1, le=10)
    DYNAMODB_TIMEOUT_SECONDS: float = Field(3.0, gt=0)
    PROBLEM_OUTBOX_RETRY_SECONDS: float = Field(5.0, ge=0)
    PROBLEM_VERIFICATION: Literal["auto", "off"] = "auto"
    PROBLEM_VERIFICATION_CONCURRENCY: int = Field(2, ge=1, le=64)

    # Streaming
    THEORY_STREAMING_ENABLED: bool = True
    REDIS_URL: str = ""
    REDIS_KEY_PREFIX: str = "tutor:"
    REDIS_MAX_CONNECTIONS: int = Field(32, ge=2)
    STREAM_STORE: Literal["", "sqlite", "redis"] = ""  # empty: redis when REDIS_URL is set
    STREAM_TICKET_TTL_SECONDS: int = Field(60, ge=1)
    STREAM_RUN_RETENTION_SECONDS: int = Field(600, ge=1)
    STREAM_RUN_MAX_EVENTS: int = Field(5000, ge=10)
    SSE_HEARTBEAT_SECONDS: float = Field(10.0, gt=0, le=10.0)
    STREAM_RUN_LEASE_SECONDS: float = Field(15.0, gt=0)
    STREAM_SEND_TIMEOUT_SECONDS: float = Field(30.0, gt=0)
    STREAM_MAX_SUBSCRIBERS_PER_RUN: int = Field(8, ge=1)
    STREAM_PREVIEW_INTERVAL_MS: int = Field(50, ge=10, le=5000)

    # LLM
    LLM_PROVIDER: Literal["openai", "gemini", "offline"] = "offline"
    OPENAI_API_KEY: str = ""
    OPENAI_BASE_URL: str = ""
    OPENAI_MODEL: str = "gpt-4o-mini"
    GOOGLE_API_KEY: str = ""
    GEMINI_MODEL: str = "gemini-2.5-flash"
    GEMINI_BASE_URL: str = ""
    LLM_TIMEOUT_SECONDS: float = Field(60.0, gt=0)
    LLM_MAX_RETRIES: int = Field(2, ge=0, le=10)
    LLM_MAX_OUTPUT_TOKENS: int = Field(4096, ge=1)
    LLM_RUN_DEADLINE_SECONDS: float = Field(300.0, gt=0)
    OFFLINE_LLM_TOKENS_PER_SECOND: float = Field(40.0, ge=0)

    # Secrets from AWS Secrets Manager: `<SETTING>_SECRET_ARN` names a secret whose text
    # becomes <SETTING> at start-up (config_secrets.py); set one of the pair, not both.
    JWT_SECRET_KEY_SECRET_ARN: str = ""
    OPENAI_API_KEY_SECRET_ARN: str = ""
    GOOGLE_API_KEY_SECRET_ARN: str = ""
    DATABASE_URL_SECRET_ARN: str = ""
    CHECKPOINT_URL_SECRET_ARN: str = ""
    REDIS_URL_SECRET_ARN: str = ""
    METRICS_TOKEN_SECRET_ARN: str = ""
    SECRETS_MANAGER_ENDPOINT_URL: str = ""

    # Server (read by gunicorn.conf.py)
    WEB_CONCURRENCY: int = Field(2, ge=1)
    GUNICORN_WORKER_CONNECTIONS: int = Field(1000, ge=1)

    @field_validator(
        "LLM_PROVIDER", "APP_ENV", "PROBLEM_STORE", "PROBLEM_VERIFICATION", mode="before"
    )
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def is_production(self) -> bool:
        """True when running with production safety checks."""
        return self.APP_ENV == "production"

    @property
    def is_testing(self) -> bool:
        """True in the test suite: cheap password hashing, nothing else."""
        return self.APP_ENV == "testing"

    @property
    def database_url(self) -> str:
        """The users/sessions database; SQLite in DATA_DIR unless DATABASE_URL is set."""
        return self.DATABASE_URL or f"sqlite:///{(self.DATA_DIR / 'app.db').resolve()}"

    @property
    def stream_store(self) -> str:
        """Where streams keep their shared state: STREAM_STORE, else redis with REDIS_URL."""
        return self.STREAM_STORE or ("redis" if self.REDIS_URL else "sqlite")

    @property
    def ratelimit_storage_uri(self) -> str:
        """The limiter's counters: RATELIMIT_STORAGE_URI, else REDIS_URL, else per worker."""
        return self.RATELIMIT_STORAGE_URI or self.REDIS_URL or "memory://"

    @property
    def cors_origins(self) -> list[str]:
        """Allowed browser origins for the API (empty: same origin only)."""
        return [o.strip() for o in self.CORS_ORIGINS.split(",") if o.strip()]

    @cached_property
    def jwt_secret(self) -> str:
        """The JWT signing key, checked in production and generated in development."""
        secret = self.JWT_SECRET_KEY
        if self.is_production:
            if not secret:
                raise ConfigError("JWT_SECRET_KEY is required in production.")
            if secret == EXAMPLE_JWT_SECRET:
                raise ConfigError("JWT_SECRET_KEY still holds the example value from .env.example.")
            if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
                raise ConfigError(f"JWT_SECRET_KEY must be at least {MIN_JWT_SECRET_BYTES} bytes.")
            return secret
        # A copied .env.example must not sign real tokens with a published key.
        if not secret or secret == EXAMPLE_JWT_SECRET:
            return _development_secret(self.DATA_DIR)
        return secret

    def validate_for_startup(self) -> None:
        """Fail fast on unsafe settings before serving anything."""
        _ = self.jwt_secret
        if self.is_production and not self.METRICS_TOKEN:
            # /metrics would otherwise be public: request paths, users' activity, versions.
            raise ConfigError("METRICS_TOKEN is required in production.")
        if self.LLM_PROVIDER == "openai" and not (self.OPENAI_API_KEY or self.OPENAI_BASE_URL):
            raise ConfigError("LLM_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL).")
        if self.LLM_PROVIDER == "gemini" and not self.GOOGLE_API_KEY:
            raise ConfigError("LLM_PROVIDER=gemini needs GOOGLE_API_KEY.")
        if self.stream_store == "redis" and not self.REDIS_URL:
            raise ConfigError("STREAM_STORE=redis needs REDIS_URL.")


def _development_secret(data_dir: Path) -> str:
    """Read, or create once, a random signing key kept in DATA_DIR (shared by all workers)."""
    path = data_dir / "jwt_secret"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of several workers starting at once, exactly one writes the key.
        fd = path.open("x")
    except FileExistsError:
        for _ in range(50):
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.02)
        raise ConfigError(f"{path.name} in DATA_DIR is empty.") from None
    with fd:
        path.chmod(0o600)
        value = secrets.token_urlsafe(48)
        fd.write(value)
    return value
