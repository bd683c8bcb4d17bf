"""The outbox keeps problems the store could not take, shows them, and saves them later."""

from __future__ import annotations

import time

import pytest

from backend.app.storage.db import Database
from backend.app.storage.problems import ProblemStore, StoreUnavailable
from backend.app.storage.problems.build import build_problem_store
from backend.app.storage.problems.outbox import ProblemOutbox
from backend.app.storage.problems.sqlite_repository import SqlProblemRepository
from tests.support.problems import make_record, timestamp


def wait_until(condition, timeout: float = 15.0) -> bool:
    """Poll `condition` until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def dynamo_store(dynamodb_settings):
    """A ProblemStore on a fresh DynamoDB Local table (no botocore retries: fast failures)."""
    settings = dynamodb_settings(
        DYNAMODB_MAX_ATTEMPTS=1, DYNAMODB_TIMEOUT_SECONDS=1.0, PROBLEM_OUTBOX_RETRY_SECONDS=0.2
    )
    store = build_problem_store(settings, database=None)
    yield store
    store.stop_background_drain()


@pytest.fixture
def sql_store(tmp_path):
    """A ProblemStore on SQLite with its outbox beside it."""
    repository = SqlProblemRepository(Database(f"sqlite:///{tmp_path / 'app.db'}"), tmp_path)
    repository.create_table()
    return ProblemStore(repository, ProblemOutbox(tmp_path / "outbox.db", retry_seconds=5.0))


def test_store_down_problem_waits_is_shown_then_drained(dynamo_store, dynamodb_local):
    dynamo_store.repository.create_table()
    record = make_record()
    dynamodb_local.stop()
    try:
        assert dynamo_store.save(record) is False
        assert dynamo_store.get(record.problem_id, record.user_id) == record.to_api(False)
        page = dynamo_store.list_for_user(record.user_id, 20, None)
        assert page == {"items": [record.to_list_item(False)], "next_cursor": None}
        # What the outbox does not hold cannot be answered while the store is down.
        with pytest.raises(StoreUnavailable):
            dynamo_store.get("not-waiting-here", record.user_id)
        with pytest.raises(StoreUnavailable):
            dynamo_store.get(record.problem_id, "someone-else")
    finally:
        dynamodb_local.start()
    dynamo_store.repository.create_table()  # in memory: the restart lost every table

    assert dynamo_store.drain_outbox() == 1

    assert dynamo_store.outbox.count() == 0
    assert dynamo_store.get(record.problem_id, record.user_id) == record.to_api(True)
    table = dynamo_store.repository.table_name
    assert dynamodb_local.client().scan(TableName=table, Select="COUNT")["Count"] == 1


def test_failed_drain_backs_off_before_trying_again(dynamo_store):
    # No table yet: every save fails as unavailable.
    record = make_record()
    assert dynamo_store.save(record) is False
    outbox = dynamo_store.outbox

    assert dynamo_store.drain_outbox() == 0
    assert outbox.attempts(record.problem_id) == 1
    assert dynamo_store.drain_outbox() == 0  # not due yet: not attempted
    assert outbox.attempts(record.problem_id) == 1

    later = time.time() + outbox.backoff(1) + 0.01
    assert outbox.drain(dynamo_store.repository, now=later) == 0
    assert outbox.attempts(record.problem_id) == 2

    dynamo_store.repository.create_table()
    assert outbox.drain(dynamo_store.repository, now=later + outbox.backoff(2) + 0.01) == 1
    assert outbox.count() == 0


def test_background_drain_saves_once_the_store_is_back(dynamo_store):
    record = make_record()
    assert dynamo_store.save(record) is False  # no table yet
    dynamo_store.start_background_drain(0.2)

    dynamo_store.repository.create_table()

    assert wait_until(lambda: dynamo_store.outbox.count() == 0)
    assert dynamo_store.get(record.problem_id, record.user_id)["persisted"] is True


def test_first_page_merges_waiting_problems_without_duplicates(sql_store):
    stored = make_record("user-a", created_at=timestamp(1))
    both = make_record("user-a", created_at=timestamp(2))
    waiting = make_record("user-a", created_at=timestamp(3))
    for record in (stored, both):
        sql_store.repository.save(record)
    sql_store.outbox.put(both)  # saved by a drain that has not deleted its row yet
    sql_store.outbox.put(waiting)
    sql_store.outbox.put(make_record("user-b", created_at=timestamp(4)))

    page = sql_store.list_for_user("user-a", 20, None)

    assert [(i["problemId"], i["persisted"]) for i in page["items"]] == [
        (waiting.problem_id, False),
        (both.problem_id, True),
        (stored.problem_id, True),
    ]
    assert sql_store.get(both.problem_id, "user-a")["persisted"] is True
    assert sql_store.get(waiting.problem_id, "user-a")["persisted"] is False


def test_conflicting_waiting_problem_is_dropped(sql_store):
    first = make_record()
    sql_store.repository.save(first)
    clash = make_record(first.user_id, problem_id=first.problem_id, request_id="another")
    sql_store.outbox.put(clash)

    assert sql_store.drain_outbox() == 0
    assert sql_store.outbox.count() == 0
    assert sql_store.get(first.problem_id, first.user_id) == first.to_api(True)


def test_a_claimed_row_is_not_worked_by_a_second_drainer(sql_store, tmp_path):
    record = make_record()
    sql_store.outbox.put(record)
    other_worker = ProblemOutbox(tmp_path / "outbox.db", retry_seconds=5.0)
    inner_results = []

    class SavingWhileOtherDrains:
        def save(self, saved):
            # While this worker holds the claim, the other finds nothing to do.
            inner_results.append(other_worker.drain(sql_store.repository))
            sql_store.repository.save(saved)

    assert sql_store.outbox.drain(SavingWhileOtherDrains()) == 1
    assert inner_results == [0]
    assert sql_store.outbox.count() == 0
