"""Verified problems in the stores: the 0006 migration over old rows, and the outbox replay."""

from __future__ import annotations

import json
import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect, text

from backend.app.storage.db import Database
from backend.app.storage.migrate import alembic_config
from backend.app.storage.problems import ProblemStore
from backend.app.storage.problems.build import build_problem_store
from backend.app.storage.problems.outbox import ProblemOutbox
from backend.app.storage.problems.sqlite_repository import SqlProblemRepository
from tests.support.problems import make_record, make_verified_record, timestamp

NEW_COLUMNS = {"verification", "reference_solution"}


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """An empty SQL database of each kind the app runs on."""
    if request.param == "sqlite":
        return Database(f"sqlite:///{tmp_path / 'app.db'}")
    return Database(request.getfixturevalue("postgres_database_url"))


def problem_columns(database: Database) -> set[str]:
    return {column["name"] for column in inspect(database.engine).get_columns("problems")}


def insert_row_of_revision_0005(database: Database, record) -> None:
    """A problem as the app wrote it before 0006: no verification columns to fill."""
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO problems (problem_id, user_id, created_at, request_id, prompt,"
                " problem_json) VALUES (:id, :user, :created, :request, :prompt, :problem)"
            ),
            {
                "id": record.problem_id,
                "user": record.user_id,
                "created": record.created_at,
                "request": record.request_id,
                "prompt": record.prompt,
                "problem": record.problem.model_dump_json(),
            },
        )


def test_migration_keeps_old_problems_which_read_back_unverified(database, tmp_path):
    config = alembic_config(database.engine)
    command.upgrade(config, "0005")
    old = make_record("user-a", created_at=timestamp(1))
    insert_row_of_revision_0005(database, old)

    repository = SqlProblemRepository(database, tmp_path)
    repository.create_table()  # upgrades to head, as every start does
    new = make_verified_record("user-a", created_at=timestamp(2))
    repository.save(new)

    assert problem_columns(database) >= NEW_COLUMNS
    assert repository.get(old.problem_id, "user-a") == old
    assert repository.list_for_user("user-a", 10, None) == ([new, old], None)


def test_downgrade_drops_the_columns_and_keeps_the_problems(database, tmp_path):
    repository = SqlProblemRepository(database, tmp_path)
    repository.create_table()
    record = make_verified_record("user-a")
    repository.save(record)

    command.downgrade(alembic_config(database.engine), "0005")

    assert not NEW_COLUMNS & problem_columns(database)
    with database.engine.connect() as connection:
        ids = connection.execute(text("SELECT problem_id FROM problems")).scalars().all()
    assert ids == [record.problem_id]
    repository.create_table()  # and up again: the problem reads back without its detail
    assert repository.get(record.problem_id, "user-a") == make_record(
        "user-a",
        problem_id=record.problem_id,
        created_at=record.created_at,
        request_id=record.request_id,
    )


@pytest.fixture
def sql_store(tmp_path):
    """A ProblemStore on SQLite with its outbox beside it."""
    repository = SqlProblemRepository(Database(f"sqlite:///{tmp_path / 'app.db'}"), tmp_path)
    repository.create_table()
    return ProblemStore(repository, ProblemOutbox(tmp_path / "outbox.db", retry_seconds=5.0))


@pytest.mark.parametrize("status", ["passed", "failed", "skipped"])
def test_outbox_shows_then_replays_verification_and_solution(sql_store, status):
    record = make_verified_record("user-a", status=status)
    sql_store.outbox.put(record)

    assert sql_store.outbox.get(record.problem_id, "user-a") == record
    assert sql_store.get(record.problem_id, "user-a") == record.to_api(persisted=False)
    (item,) = sql_store.list_for_user("user-a", 20, None)["items"]
    assert item == record.to_list_item(persisted=False)
    assert item["verification_status"] == status

    assert sql_store.drain_outbox() == 1

    assert sql_store.repository.get(record.problem_id, "user-a") == record
    assert sql_store.get(record.problem_id, "user-a") == record.to_api(persisted=True)


def test_outbox_row_written_before_verification_replays_unverified(sql_store):
    record = make_record("user-a")
    # The row as the outbox encoded it before it knew verification: no such keys.
    encoded = json.dumps(
        {
            "problem_id": record.problem_id,
            "user_id": record.user_id,
            "created_at": record.created_at,
            "prompt": record.prompt,
            "request_id": record.request_id,
            "problem": record.problem.model_dump(),
        },
        ensure_ascii=False,
    )
    with sqlite3.connect(sql_store.outbox.path) as db:
        db.execute(
            "INSERT INTO problem_outbox (problem_id, user_id, created_at, record,"
            " next_attempt_at) VALUES (?, ?, ?, ?, 0)",
            (record.problem_id, record.user_id, record.created_at, encoded),
        )

    assert sql_store.drain_outbox() == 1
    assert sql_store.repository.get(record.problem_id, "user-a") == record


def test_dynamodb_outbox_replays_verification_and_solution(dynamodb_settings):
    settings = dynamodb_settings(DYNAMODB_MAX_ATTEMPTS=1, DYNAMODB_TIMEOUT_SECONDS=1.0)
    store = build_problem_store(settings, database=None)
    record = make_verified_record("user-a", status="failed")
    assert store.save(record) is False  # no table yet: the outbox keeps it

    store.repository.create_table()
    assert store.drain_outbox() == 1

    assert store.repository.get(record.problem_id, "user-a") == record
    assert store.get(record.problem_id, "user-a") == record.to_api(persisted=True)
