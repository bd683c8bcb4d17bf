"""The DynamoDB client keeps the environment's credentials with an endpoint override.

DynamoDB Local started without -sharedDb keeps one database per access key and region,
so which key pair signed a request decides which tables it sees.
"""

import shutil
import uuid

import boto3
import pytest

from backend.app import create_app
from backend.app.services.container import services
from backend.app.storage.problems import StoreUnavailable
from tests.support.dynamodb_local import DynamoDBLocal, ensure_emulator

REGION = "us-east-1"
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@pytest.fixture(scope="module")
def per_key_dynamodb(tmp_path_factory):
    """A DynamoDB Local of this module's own, one database per access key and region."""
    if shutil.which("java") is None:
        pytest.fail("Java 17 is needed for DynamoDB Local: run `make test-tools` first.")
    server = DynamoDBLocal(
        ensure_emulator(), tmp_path_factory.mktemp("dynamodb-per-key"), shared_db=False
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def no_machine_credentials(monkeypatch, tmp_path):
    """No key in the environment, and empty shared files: the machine's own cannot leak in."""
    for name in (*CREDENTIAL_VARIABLES, "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        empty = tmp_path / name.lower()
        empty.write_text("")
        monkeypatch.setenv(name, str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _table_under(server: DynamoDBLocal, access_key: str) -> str:
    """Create a table in the database of `access_key`; returns its name."""
    name = f"Problems-{uuid.uuid4().hex[:12]}"
    client = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=server.endpoint_url,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=f"{access_key}-secret",
    )
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "problemId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "problemId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _app_sees(make_settings, server: DynamoDBLocal, table: str) -> bool:
    """Whether the app's problem repository finds `table` at the endpoint override."""
    app = create_app(
        make_settings(
            PROBLEM_STORE="dynamodb",
            DYNAMODB_ENDPOINT_URL=server.endpoint_url,
            PROBLEMS_TABLE_NAME=table,
            AWS_REGION=REGION,
            DYNAMODB_MAX_ATTEMPTS=1,
        )
    )
    with app.app_context():
        try:
            services().problems.repository.ping()
        except StoreUnavailable:
            return False
    return True


def _use_key(monkeypatch, access_key: str) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", f"{access_key}-secret")


@pytest.mark.usefixtures("no_machine_credentials")
def test_environment_credentials_sign_requests_to_the_endpoint_override(
    make_settings, per_key_dynamodb, monkeypatch
):
    table = _table_under(per_key_dynamodb, "alice")
    _use_key(monkeypatch, "alice")
    assert _app_sees(make_settings, per_key_dynamodb, table)
    # Another key is another database: the table is not there.
    _use_key(monkeypatch, "bob")
    assert not _app_sees(make_settings, per_key_dynamodb, table)


@pytest.mark.usefixtures("no_machine_credentials")
def test_with_no_credentials_anywhere_the_stand_in_keys_are_used(make_settings, per_key_dynamodb):
    table = _table_under(per_key_dynamodb, "local")
    assert _app_sees(make_settings, per_key_dynamodb, table)
