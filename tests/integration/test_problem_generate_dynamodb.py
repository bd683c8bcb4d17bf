"""generate-stream saving to DynamoDB Local: persisted results, and nothing lost while it is down."""

import time

from backend.app import create_app
from backend.app.services.container import services
from tests.conftest import AuthHelper
from tests.fakes.scripts import Script
from tests.support.problem_scripts import DESCRIPTION, GENERATE, generation_scripts, read_ndjson

BODY = {"prompt": "스택으로 괄호 짝을 확인하는 문제", "difficulty": "easy"}


def _client(settings):
    app = create_app(settings)
    with app.app_context():
        services().problems.repository.create_table()
    client = app.test_client()
    return app, client, AuthHelper(client).new_user_headers()


def _result(client, headers) -> dict:
    lines = read_ndjson(client.post(GENERATE, json=BODY, headers=headers).get_data(as_text=True))
    assert lines[-1]["type"] == "result", lines[-1]
    return lines[-1]["payload"]


def test_generated_problem_is_saved_in_the_table(dynamodb_settings):
    app, client, headers = _client(dynamodb_settings())
    result = _result(client, headers)
    assert result["persisted"] is True
    with app.app_context():
        repository = services().problems.repository
        item = repository.client.get_item(
            TableName=repository.table_name, Key={"problemId": {"S": result["problemId"]}}
        )["Item"]
    assert item["title"]["S"] == result["problem"]["title"]
    assert item["prompt"]["S"] == BODY["prompt"]
    # The verification is kept as a map beside the problem, and reads back as it was sent.
    assert ("verification" in item) == (result.get("verification") is not None)
    read = client.get(f"/api/v1/problems/{result['problemId']}", headers=headers).json["data"]
    assert read["persisted"] is True and read["problem"] == result["problem"]
    assert read["verification"] == result.get("verification")


def test_store_down_the_result_still_carries_the_problem_and_it_is_saved_later(
    dynamodb_settings, dynamodb_local
):
    settings = dynamodb_settings(
        DYNAMODB_MAX_ATTEMPTS=1, DYNAMODB_TIMEOUT_SECONDS=1.0, PROBLEM_OUTBOX_RETRY_SECONDS=0.2
    )
    app, client, headers = _client(settings)
    dynamodb_local.stop()
    try:
        result = _result(client, headers)
        assert result["persisted"] is False and result["problem"]["title"]
        waiting = client.get(f"/api/v1/problems/{result['problemId']}", headers=headers)
        assert waiting.status_code == 200
        assert waiting.json["data"]["persisted"] is False
        assert waiting.json["data"]["problem"] == result["problem"]
    finally:
        dynamodb_local.start()
    with app.app_context():
        store = services().problems
        store.repository.create_table()  # in-memory DynamoDB Local lost its tables
        deadline = time.monotonic() + 15
        while store.repository.get(result["problemId"], _user_id(client, headers)) is None:
            assert time.monotonic() < deadline, "the outbox never drained into the table"
            time.sleep(0.1)
        store.stop_background_drain()
    read = client.get(f"/api/v1/problems/{result['problemId']}", headers=headers).json["data"]
    assert read["persisted"] is True and read["problem"] == result["problem"]
    assert read["verification"] == result.get("verification")  # through the outbox too


def test_an_item_dynamodb_refuses_gives_no_problem_id_and_says_why(dynamodb_settings, fake_openai):
    settings = dynamodb_settings(
        **fake_openai.product_settings(),
        PROBLEM_OUTBOX_RETRY_SECONDS=0.2,
    )
    app, client, headers = _client(settings)
    # About 450 KB of description: over DynamoDB's 400 KB item limit, a ValidationException
    # that no retry can fix (not an outage for the outbox).
    padding = "\n" + "벽" * 150_000
    huge = DESCRIPTION.replace("벽(#)은 지날 수 없습니다.", "벽(#)은 지날 수 없습니다." + padding)
    fake_openai.script(*generation_scripts(Script(content=huge, chunk_size=8192)))
    result = _result(client, headers)
    assert result["persisted"] is False
    assert result["problemId"] is None
    assert "ValidationException" in result["persist_error"]
    assert result["problem"]["description"].endswith("벽" * 10)
    with app.app_context():
        assert services().problems.outbox.count() == 0  # nothing waits to be retried forever
    listing = client.get("/api/v1/problems", headers=headers).json["data"]
    assert listing["items"] == []


def _user_id(client, headers) -> str:
    return client.get("/api/v1/auth/me", headers=headers).json["data"]["user"]["id"]
