"""DynamoDB saves stay single when a response is lost, and failures read as unavailable."""

from __future__ import annotations

import pytest

from backend.app.storage.problems import StoreUnavailable
from backend.app.storage.problems.dynamodb_repository import (
    DynamoProblemRepository,
    create_dynamodb_client,
)
from tests.support.dropping_proxy import DroppingProxy
from tests.support.live_server import free_port
from tests.support.problems import make_record, make_verified_record

PUT_ITEM = "DynamoDB_20120810.PutItem"


@pytest.fixture
def table(dynamodb_settings):
    """A fresh problems table on DynamoDB Local; returns its settings."""
    settings = dynamodb_settings()
    direct = create_dynamodb_client(settings)
    DynamoProblemRepository(direct, settings.PROBLEMS_TABLE_NAME).create_table()
    return settings


def repository_through(proxy: DroppingProxy, settings, **overrides) -> DynamoProblemRepository:
    """A repository whose client talks to DynamoDB Local through `proxy`."""
    proxied = settings.model_copy(update={"DYNAMODB_ENDPOINT_URL": proxy.url, **overrides})
    return DynamoProblemRepository(create_dynamodb_client(proxied), settings.PROBLEMS_TABLE_NAME)


def item_count(dynamodb_local, table_name: str) -> int:
    return dynamodb_local.client().scan(TableName=table_name, Select="COUNT")["Count"]


def test_lost_put_response_is_retried_into_one_item(table, dynamodb_local):
    # A verified record: its verification map and solution come back with ALL_OLD too.
    record = make_verified_record(status="failed")
    with DroppingProxy(dynamodb_local.port, drop_target=PUT_ITEM) as proxy:
        repository = repository_through(proxy, table)
        repository.save(record)  # botocore resends; the retry meets the condition

    assert proxy.targets.count(PUT_ITEM) == 2
    assert proxy.drops_left == 0
    assert item_count(dynamodb_local, table.PROBLEMS_TABLE_NAME) == 1
    assert repository.get(record.problem_id, record.user_id) == record


def test_a_later_retry_of_a_lost_save_is_a_success(table, dynamodb_local):
    record = make_record()
    with DroppingProxy(dynamodb_local.port, drop_target=PUT_ITEM) as proxy:
        # No botocore retries: the caller sees the lost response as a failure ...
        repository = repository_through(proxy, table, DYNAMODB_MAX_ATTEMPTS=1)
        with pytest.raises(StoreUnavailable):
            repository.save(record)
        # ... and its own retry (the outbox's) with the same request id succeeds.
        repository.save(record)

    assert proxy.targets.count(PUT_ITEM) == 2
    assert item_count(dynamodb_local, table.PROBLEMS_TABLE_NAME) == 1


def test_missing_table_is_store_unavailable(dynamodb_settings):
    settings = dynamodb_settings()
    repository = DynamoProblemRepository(
        create_dynamodb_client(settings), settings.PROBLEMS_TABLE_NAME
    )
    record = make_record()
    with pytest.raises(StoreUnavailable):
        repository.save(record)
    with pytest.raises(StoreUnavailable):
        repository.get(record.problem_id, record.user_id)
    with pytest.raises(StoreUnavailable):
        repository.ping()


def test_unreachable_endpoint_is_store_unavailable(make_settings):
    settings = make_settings(
        PROBLEM_STORE="dynamodb",
        DYNAMODB_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
        DYNAMODB_MAX_ATTEMPTS=1,
        DYNAMODB_TIMEOUT_SECONDS=1.0,
    )
    repository = DynamoProblemRepository(create_dynamodb_client(settings), "Problems")
    with pytest.raises(StoreUnavailable):
        repository.save(make_record())
    with pytest.raises(StoreUnavailable):
        repository.list_for_user("user-a", 10, None)
