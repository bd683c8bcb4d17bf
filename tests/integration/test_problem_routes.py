"""GET problems and problems/<id> through the Flask app (DESIGN 4.3)."""

from __future__ import annotations

import pytest

from backend.app import create_app
from backend.app.services.container import services
from backend.app.storage.problems.cursor import encode_cursor
from tests.conftest import AuthHelper
from tests.support.live_server import free_port
from tests.support.problems import make_record, registered_user, seed, timestamp

PROBLEMS = "/api/v1/problems"
SUMMARY_KEYS = {"problemId", "createdAt", "prompt", "difficulty", "persisted", "problem"}
VIEW_KEYS = SUMMARY_KEYS | {"verification", "reference_solution"}
LIST_ITEM_KEYS = SUMMARY_KEYS | {"verification_status"}


@pytest.fixture
def user(auth):
    """A registered user: its id and Authorization headers."""
    return registered_user(auth)


def test_owner_reads_a_saved_problem(app, client, user):
    record = make_record(user["id"])
    seed(app, record)

    response = client.get(f"{PROBLEMS}/{record.problem_id}", headers=user["headers"])

    assert response.status_code == 200
    data = response.json["data"]
    assert set(data) == VIEW_KEYS
    assert data == record.to_api(persisted=True)


def test_another_users_problem_is_not_found(app, client, auth, user):
    record = make_record(user["id"])
    seed(app, record)

    response = client.get(f"{PROBLEMS}/{record.problem_id}", headers=auth.new_user_headers())

    assert response.status_code == 404
    assert response.json["success"] is False
    assert response.json["error"]["code"] == "NOT_FOUND"
    assert response.json["error"]["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize("problem_id", ["5f0e6c1e-0000-4000-8000-000000000000", "x" * 300])
def test_unknown_problem_is_not_found(client, user, problem_id):
    response = client.get(f"{PROBLEMS}/{problem_id}", headers=user["headers"])
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", [PROBLEMS, f"{PROBLEMS}/some-id"])
def test_reading_needs_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"


def test_list_pages_newest_first_with_the_cursor(app, client, user, auth):
    records = [make_record(user["id"], created_at=timestamp(s)) for s in range(5)]
    seed(app, *records, make_record(auth.register()["id"]))
    newest_first = [r.problem_id for r in reversed(records)]

    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get(PROBLEMS, query_string=query, headers=user["headers"])
        assert response.status_code == 200
        data = response.json["data"]
        assert set(data) == {"items", "next_cursor"}
        seen += [item["problemId"] for item in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == newest_first


def test_list_defaults_to_twenty(app, client, user):
    seed(app, *[make_record(user["id"], created_at=timestamp(s)) for s in range(21)])

    data = client.get(PROBLEMS, headers=user["headers"]).json["data"]

    assert len(data["items"]) == 20
    assert data["next_cursor"] is not None
    assert set(data["items"][0]) == LIST_ITEM_KEYS
    assert data["items"][0]["persisted"] is True


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 101}, {"limit": "many"}, {"cursor": "not-a-cursor"}, {"cursor": ""}],
)
def test_bad_paging_is_a_validation_error(client, user, query):
    response = client.get(PROBLEMS, query_string=query, headers=user["headers"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "VALIDATION_ERROR"


@pytest.fixture
def store_down_app(make_settings):
    """An app whose problem store is DynamoDB on a port where nothing listens."""
    settings = make_settings(
        PROBLEM_STORE="dynamodb",
        DYNAMODB_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
        DYNAMODB_MAX_ATTEMPTS=1,
        DYNAMODB_TIMEOUT_SECONDS=1.0,
        PROBLEM_OUTBOX_RETRY_SECONDS=0,
    )
    return create_app(settings)


def test_store_down_reads_are_unavailable_except_waiting_problems(store_down_app):
    client = store_down_app.test_client()
    auth = AuthHelper(client)
    registered = auth.register()
    headers = {"Authorization": f"Bearer {auth.login(registered['username'])['access_token']}"}
    record = make_record(registered["id"])
    with store_down_app.app_context():
        assert services().problems.save(record) is False

    waiting = client.get(f"{PROBLEMS}/{record.problem_id}", headers=headers)
    assert waiting.status_code == 200
    assert waiting.json["data"]["persisted"] is False
    first_page = client.get(PROBLEMS, headers=headers).json["data"]
    assert [item["problemId"] for item in first_page["items"]] == [record.problem_id]

    unknown = client.get(f"{PROBLEMS}/5f0e6c1e-0000-4000-8000-000000000000", headers=headers)
    assert unknown.status_code == 503
    assert unknown.json["error"]["code"] == "STORE_UNAVAILABLE"
    assert first_page["next_cursor"] is None
    cursor = encode_cursor(registered["id"], timestamp(1), "some-problem")
    later_page = client.get(PROBLEMS, query_string={"cursor": cursor}, headers=headers)
    assert later_page.status_code == 503
    assert later_page.json["error"]["code"] == "STORE_UNAVAILABLE"
