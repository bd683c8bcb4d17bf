"""Reading verified problems: the whole verification to the owner, only its status in lists."""

from __future__ import annotations

import jsonschema
import pytest

from tests.support.problems import (
    REFERENCE_SOLUTION,
    make_record,
    make_verified_record,
    registered_user,
    seed,
    timestamp,
)

PROBLEMS = "/api/v1/problems"
SUMMARY_KEYS = {"problemId", "createdAt", "prompt", "difficulty", "persisted", "problem"}


@pytest.fixture
def user(auth):
    """A registered user: its id and Authorization headers."""
    return registered_user(auth)


def documented_schema(client, path: str) -> dict:
    """The 200 body schema of GET `path` in the app's OpenAPI document, refs resolvable."""
    document = client.get("/api/v1/openapi.json").json
    response = document["paths"][path]["get"]["responses"]["200"]
    schema = response["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


@pytest.mark.parametrize("status", ["passed", "failed", "skipped"])
def test_owner_reads_the_verification_and_the_reference_solution(app, client, user, status):
    record = make_verified_record(user["id"], status=status)
    seed(app, record)

    response = client.get(f"{PROBLEMS}/{record.problem_id}", headers=user["headers"])

    assert response.status_code == 200
    data = response.json["data"]
    assert data == record.to_api(persisted=True)
    assert data["verification"]["status"] == status
    assert data["verification"] == record.verification.to_api()
    assert data["reference_solution"] == REFERENCE_SOLUTION
    jsonschema.validate(response.json, documented_schema(client, f"{PROBLEMS}/{{problem_id}}"))


def test_failed_examples_carry_what_the_solution_printed_and_why(app, client, user):
    record = make_verified_record(user["id"], status="failed")
    seed(app, record)

    data = client.get(f"{PROBLEMS}/{record.problem_id}", headers=user["headers"]).json["data"]

    assert data["verification"]["reason"] == "2 of 3 examples differ"
    assert data["verification"]["examples"] == [
        {"index": 0, "passed": True},  # nothing to say: no actual, no error
        {"index": 1, "passed": False, "actual": ""},
        {"index": 2, "passed": False, "actual": "1 0\n", "error": "ZeroDivisionError: 0"},
    ]
    assert (data["verification"]["runtime_ms"], data["verification"]["repaired"]) == (2031, False)


def test_problem_saved_before_verification_reads_with_nulls(app, client, user):
    record = make_record(user["id"])
    seed(app, record)

    response = client.get(f"{PROBLEMS}/{record.problem_id}", headers=user["headers"])

    data = response.json["data"]
    assert set(data) == SUMMARY_KEYS | {"verification", "reference_solution"}
    assert (data["verification"], data["reference_solution"]) == (None, None)
    jsonschema.validate(response.json, documented_schema(client, f"{PROBLEMS}/{{problem_id}}"))


def test_another_user_cannot_read_a_verified_problem(app, client, auth, user):
    record = make_verified_record(user["id"])
    seed(app, record)

    response = client.get(f"{PROBLEMS}/{record.problem_id}", headers=auth.new_user_headers())

    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"
    assert "import sys" not in response.get_data(as_text=True)


def test_list_shows_each_status_and_never_the_solution_or_the_detail(app, client, user):
    records = [
        make_record(user["id"], created_at=timestamp(0)),  # saved before verification
        make_verified_record(user["id"], status="skipped", created_at=timestamp(1)),
        make_verified_record(user["id"], status="failed", created_at=timestamp(2)),
        make_verified_record(user["id"], status="passed", created_at=timestamp(3)),
    ]
    seed(app, *records)

    response = client.get(PROBLEMS, headers=user["headers"])

    items = response.json["data"]["items"]
    assert [item["verification_status"] for item in items] == ["passed", "failed", "skipped", None]
    assert all(set(item) == SUMMARY_KEYS | {"verification_status"} for item in items)
    assert [item["problemId"] for item in items] == [r.problem_id for r in reversed(records)]
    body = response.get_data(as_text=True)
    assert "import sys" not in body and "ZeroDivisionError" not in body
    jsonschema.validate(response.json, documented_schema(client, PROBLEMS))


def test_documented_shapes_name_the_new_fields(client):
    view = documented_schema(client, f"{PROBLEMS}/{{problem_id}}")
    listing = documented_schema(client, PROBLEMS)
    schemas = view["components"]["schemas"]

    view_fields = next(s for n, s in schemas.items() if n.endswith(".ProblemView"))["properties"]
    item_fields = next(s for n, s in schemas.items() if n.endswith(".ProblemListItem"))
    assert {"verification", "reference_solution"} <= set(view_fields)
    assert "verification_status" in item_fields["properties"]
    assert not {"verification", "reference_solution"} & set(item_fields["properties"])
    status = str(item_fields["properties"]["verification_status"])
    assert all(word in status for word in ("passed", "failed", "skipped", "null"))
    assert listing["$ref"] != view["$ref"]
