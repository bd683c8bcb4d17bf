"""A record DynamoDB refuses outright is no outage: never kept for retries, never an id."""

from __future__ import annotations

import pytest

from backend.app.storage.problems import ProblemRejected
from backend.app.storage.problems.build import build_problem_store
from tests.support.problems import make_record, sample_problem

# Over DynamoDB's 400 KB item limit: 150,000 three-byte characters.
OVERSIZED = sample_problem(description="벽" * 150_000)


@pytest.fixture
def dynamo_store(dynamodb_settings):
    """A ProblemStore on a fresh DynamoDB Local table, its outbox retried quickly."""
    settings = dynamodb_settings(DYNAMODB_MAX_ATTEMPTS=1, PROBLEM_OUTBOX_RETRY_SECONDS=0.2)
    store = build_problem_store(settings, database=None)
    store.repository.create_table()
    yield store
    store.stop_background_drain()


def test_a_refused_record_raises_and_is_not_kept_in_the_outbox(dynamo_store):
    record = make_record(problem=OVERSIZED)
    with pytest.raises(ProblemRejected, match="ValidationException"):
        dynamo_store.save(record)
    assert dynamo_store.outbox.count() == 0
    assert dynamo_store.get(record.problem_id, record.user_id) is None


def test_a_waiting_record_the_store_then_refuses_is_dropped_not_retried_forever(dynamo_store):
    # Kept while the store was down; DynamoDB refuses it once it is back.
    record = make_record(problem=OVERSIZED)
    dynamo_store.outbox.put(record)
    assert dynamo_store.drain_outbox() == 0
    assert dynamo_store.outbox.count() == 0
