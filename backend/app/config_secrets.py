"""Secrets from AWS Secrets Manager at start-up: `<SETTING>_SECRET_ARN` fills `<SETTING>`.

One GetSecretValue per named secret, before the settings are checked, so production's
checks see the real values. A failure names the setting, never a value.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backend.app.aws_clients import create_client
from backend.app.config import ConfigError, Settings

# The settings that may come from a secret (URLs carry their passwords or tokens).
SECRET_SETTINGS = (
    "JWT_SECRET_KEY",
    "OPENAI_API_KEY",
    "GOOGLE_API_KEY",
    "DATABASE_URL",
    "CHECKPOINT_URL",
    "REDIS_URL",
    "METRICS_TOKEN",
)
# arn:<partition>:secretsmanager:<region>:<account>:secret:<name>; the region is the client's.
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$")
# Start-up waits at most about 3 attempts x (connect + read) before refusing to start.
_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=3,
    read_timeout=5,
)


def arn_setting(name: str) -> str:
    """The setting that holds the ARN of `name`'s secret."""
    return f"{name}_SECRET_ARN"


def resolve_secrets(settings: Settings) -> Settings:
    """`settings` with every setting named by a secret ARN read from Secrets Manager."""
    wanted = {
        name: getattr(settings, arn_setting(name)).strip()
        for name in SECRET_SETTINGS
        if getattr(settings, arn_setting(name)).strip()
    }
    if not wanted:
        return settings
    clients: dict[str, Any] = {}
    values = {}
    for name, arn in wanted.items():
        if getattr(settings, name):
            raise ConfigError(f"Set {name} or {arn_setting(name)}, not both.")
        region = _region_of(name, arn)
        if region not in clients:
            clients[region] = create_client(
                "secretsmanager",
                region=region,
                endpoint_url=settings.SECRETS_MANAGER_ENDPOINT_URL,
                config=_CLIENT_CONFIG,
            )
        values[name] = _read_secret(clients[region], name, arn)
    return settings.model_copy(update=values)


def _region_of(name: str, arn: str) -> str:
    match = _SECRET_ARN.match(arn)
    if match is None:
        raise ConfigError(f"{arn_setting(name)} is not a Secrets Manager secret ARN.")
    return match.group(1)


def _read_secret(client: Any, name: str, arn: str) -> str:
    setting = arn_setting(name)
    try:
        response = client.get_secret_value(SecretId=arn)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "Unknown")
        raise ConfigError(f"{setting}: Secrets Manager refused GetSecretValue ({code}).") from None
    except BotoCoreError as exc:
        # No credentials, endpoint unreachable, retries spent: nothing a value could fix.
        raise ConfigError(
            f"{setting}: Secrets Manager could not be reached ({type(exc).__name__})."
        ) from None
    value = (response.get("SecretString") or "").strip()
    if not value:
        raise ConfigError(f"{setting}: the secret holds no text (SecretString is empty).")
    return value
