"""One contract for every problem repository: SQL (SQLite) and DynamoDB (DynamoDB Local)."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from backend.app.domain.problems import GeneratedProblem
from backend.app.storage.db import Database
from backend.app.storage.problems import InvalidCursor, ProblemConflict
from backend.app.storage.problems.cursor import encode_cursor
from backend.app.storage.problems.dynamodb_repository import (
    DynamoProblemRepository,
    create_dynamodb_client,
)
from backend.app.storage.problems.sqlite_repository import SqlProblemRepository
from tests.support.problems import make_record, make_verified_record, sample_problem, timestamp


@pytest.fixture(params=["sql", "dynamodb"])
def fresh_repository(request, tmp_path):
    """A repository whose table does not exist yet."""
    if request.param == "sql":
        return SqlProblemRepository(Database(f"sqlite:///{tmp_path / 'problems.db'}"), tmp_path)
    settings = request.getfixturevalue("dynamodb_settings")()
    return DynamoProblemRepository(create_dynamodb_client(settings), settings.PROBLEMS_TABLE_NAME)


@pytest.fixture
def repository(fresh_repository):
    """A repository with its table created."""
    fresh_repository.create_table()
    return fresh_repository


def all_pages(repository, user_id, limit):
    """Every page of the user's list, following cursors until there is none."""
    pages, cursor = [], None
    while True:
        records, cursor = repository.list_for_user(user_id, limit, cursor)
        pages.append([record.problem_id for record in records])
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor never ran out"


def test_saved_problem_reads_back_whole(repository):
    record = make_record()
    repository.save(record)
    read = repository.get(record.problem_id, record.user_id)
    assert read == record
    # Saved without verification (as before it existed): both read back as None.
    assert (read.verification, read.reference_solution) == (None, None)


@pytest.mark.parametrize("status", ["passed", "failed", "skipped"])
def test_verification_and_solution_read_back_whole(repository, status):
    record = make_verified_record(status=status)
    repository.save(record)

    read = repository.get(record.problem_id, record.user_id)
    listed, _ = repository.list_for_user(record.user_id, 10, None)

    assert read == record
    assert listed == [record]
    # Numbers come back as ints whatever the store keeps (DynamoDB: Decimal), so the
    # read shape is plain JSON.
    assert type(read.verification.runtime_ms) is int
    assert all(type(check.index) is int for check in read.verification.examples)
    assert json.loads(json.dumps(read.to_api(persisted=True)))["verification"] == (
        record.verification.to_api()
    )


def test_verified_and_unverified_problems_list_together(repository):
    old = make_record("user-a", created_at=timestamp(1))
    new = make_verified_record("user-a", status="failed", created_at=timestamp(2))
    for record in (old, new):
        repository.save(record)

    listed, _ = repository.list_for_user("user-a", 10, None)

    assert listed == [new, old]


def test_another_users_problem_reads_as_missing(repository):
    record = make_record()
    repository.save(record)
    assert repository.get(record.problem_id, "someone-else") is None


def test_unknown_id_reads_as_missing(repository):
    assert repository.get("5f0e6c1e-0000-4000-8000-000000000000", "user-1") is None


def test_list_pages_newest_first_until_exhausted(repository):
    records = [make_record("user-a", created_at=timestamp(second)) for second in range(7)]
    for record in records:
        repository.save(record)
    newest_first = [r.problem_id for r in sorted(records, key=lambda r: r.created_at)][::-1]

    pages = all_pages(repository, "user-a", limit=3)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [pid for page in pages for pid in page] == newest_first


def test_a_full_last_page_hands_out_no_cursor(repository):
    for second in range(6):
        repository.save(make_record("user-a", created_at=timestamp(second)))
    assert [len(page) for page in all_pages(repository, "user-a", limit=3)] == [3, 3]


def test_lists_hold_only_the_owners_problems(repository):
    mine = [make_record("user-a", created_at=timestamp(s)) for s in range(3)]
    theirs = [make_record("user-b", created_at=timestamp(s)) for s in range(3, 5)]
    for record in mine + theirs:
        repository.save(record)

    listed, _ = repository.list_for_user("user-a", 10, None)
    assert {record.problem_id for record in listed} == {record.problem_id for record in mine}
    assert repository.list_for_user("user-c", 10, None) == ([], None)


def test_repeated_save_of_one_request_stores_one_problem(repository):
    record = make_record()
    repository.save(record)
    repository.save(record)
    repository.save(dataclasses.replace(record))  # a retry that rebuilt the same record

    listed, cursor = repository.list_for_user(record.user_id, 10, None)
    assert [r.problem_id for r in listed] == [record.problem_id]
    assert cursor is None


def test_same_id_from_another_request_conflicts_and_keeps_the_first(repository):
    first = make_record()
    repository.save(first)
    other = dataclasses.replace(
        first, request_id="another-request", problem=sample_problem(title="다른 문제")
    )

    with pytest.raises(ProblemConflict):
        repository.save(other)
    assert repository.get(first.problem_id, first.user_id) == first


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "",
        _b64(b"not json"),
        _b64(b"[1, 2]"),
        _b64(json.dumps({"createdAt": timestamp(1), "problemId": "x"}).encode()),
        _b64(json.dumps({"userId": "user-a", "createdAt": 1, "problemId": "x"}).encode()),
        _b64(
            json.dumps(
                {"userId": "user-a", "createdAt": timestamp(1), "problemId": "x", "extra": "y"}
            ).encode()
        ),
        encode_cursor("user-b", timestamp(1), "x"),  # issued for another user
    ],
)
def test_malformed_or_foreign_cursor_is_refused(repository, cursor):
    repository.save(make_record("user-a", created_at=timestamp(2)))
    with pytest.raises(InvalidCursor):
        repository.list_for_user("user-a", 3, cursor)


def test_create_table_reports_whether_it_created(fresh_repository):
    assert fresh_repository.create_table() is True
    assert fresh_repository.create_table() is False
    fresh_repository.ping()


def stored_items(record, dynamodb_settings, dynamodb_local) -> list[dict]:
    """The raw DynamoDB items of a fresh table once `record` is saved in it."""
    settings = dynamodb_settings()
    table = settings.PROBLEMS_TABLE_NAME
    repository = DynamoProblemRepository(create_dynamodb_client(settings), table)
    repository.create_table()
    repository.save(record)
    return dynamodb_local.client().scan(TableName=table)["Items"]


def test_dynamodb_item_has_camel_case_keys_and_snake_case_fields_once(
    dynamodb_settings, dynamodb_local
):
    record = make_record()
    items = stored_items(record, dynamodb_settings, dynamodb_local)

    assert len(items) == 1
    expected = {"problemId", "userId", "createdAt", "request_id", "prompt"}
    assert set(items[0]) == expected | set(GeneratedProblem.model_fields)
    assert items[0]["problemId"] == {"S": record.problem_id}
    assert items[0]["createdAt"] == {"S": record.created_at}
    assert items[0]["difficulty"] == {"S": "easy"}
    assert items[0]["examples"]["L"][0]["M"]["output"] == {"S": "0 1"}


def test_dynamodb_item_keeps_verification_as_a_map_and_the_solution_once(
    dynamodb_settings, dynamodb_local
):
    record = make_verified_record(status="failed")
    (item,) = stored_items(record, dynamodb_settings, dynamodb_local)

    expected = {"problemId", "userId", "createdAt", "request_id", "prompt", "verification"}
    assert set(item) == expected | {"reference_solution"} | set(GeneratedProblem.model_fields)
    assert item["reference_solution"] == {"S": record.reference_solution}
    verification = item["verification"]["M"]
    assert verification["status"] == {"S": "failed"}
    assert verification["runtime_ms"] == {"N": "2031"}
    assert verification["repaired"] == {"BOOL": False}
    examples = [example["M"] for example in verification["examples"]["L"]]
    # Optional members are absent when unset (never NULL); an empty output is kept as "".
    assert examples[0] == {"index": {"N": "0"}, "passed": {"BOOL": True}}
    assert examples[1]["actual"] == {"S": ""}
    assert examples[2]["error"] == {"S": "ZeroDivisionError: 0"}
