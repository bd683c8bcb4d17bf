"""boto3 clients on the default credential chain, with stand-in keys only for local emulators."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# DynamoDB Local and other emulators accept any key pair but still sign requests, so an
# endpoint override with no credentials anywhere gets these instead of NoCredentialsError.
STAND_IN_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def create_client(service: str, *, region: str, endpoint_url: str, config: Config) -> Any:
    """A client of `service`; an `endpoint_url` overrides AWS's own endpoint.

    Credentials come from boto3's default chain (environment, shared files, a role), also
    with an endpoint override: DynamoDB Local keeps one database per access key and region,
    and a VPC endpoint or LocalStack needs the real keys. Only when the chain finds nothing
    and an endpoint is given do the stand-in keys sign the requests.
    """
    # A session of our own: boto3's module-level default session is not thread-safe.
    session = boto3.session.Session()
    extra: dict[str, str] = {}
    if endpoint_url:
        extra["endpoint_url"] = endpoint_url
        if session.get_credentials() is None:
            extra.update(STAND_IN_CREDENTIALS)
    return session.client(service, region_name=region, config=config, **extra)
