"""The OpenAPI document is complete: every route, every status, the streams' media types."""

import re

import pytest
from pydantic import BaseModel

from backend.app import create_app
from backend.app.api.envelope import ok
from backend.app.api.responses import documented
from backend.app.api.schemas import envelope
from backend.app.extensions import spec
from tests.support.sse_client import app_events

SERVER_PATHS = re.compile(r"^/(api/|healthz$|readyz$|metrics$)")
# The document itself and its pages describe the API; they are not part of it.
NOT_OPERATIONS = re.compile(r"^/api/v1/(openapi\.json|docs)")
TOKEN_SPENDING = [
    ("post", "/api/v1/learning/session/start"),
    ("post", "/api/v1/learning/session/message"),
    ("post", "/api/v1/problems/generate-stream"),
]


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_every_server_route_is_in_the_openapi_document(app, document):
    missing = []
    for rule in app.url_map.iter_rules():
        if not SERVER_PATHS.match(rule.rule) or NOT_OPERATIONS.match(rule.rule):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_operation_documents_its_errors_with_the_error_shape(document):
    for method, path, operation in operations(document):
        responses = operation["responses"]
        label = f"{method.upper()} {path}"
        assert "500" in responses, label
        if method in ("post", "patch") and path.startswith("/api/"):
            assert {"400", "413", "422"} <= responses.keys(), label  # the JSON body guard
        if {"bearer": []} in operation.get("security", []) and {} not in operation["security"]:
            assert "401" in responses, label
        if "requestBody" in operation or any(p["in"] == "query" for p in operation["parameters"]):
            assert "422" in responses, label
        for status, response in responses.items():
            assert response["headers"]["X-Request-ID"]["required"] is True, (label, status)
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]["$ref"]
                assert schema.startswith("#/components/schemas/ErrorResponse"), (label, status)


@pytest.mark.parametrize("method,path", TOKEN_SPENDING)
def test_rate_limited_operations_document_429_with_retry_after(document, method, path):
    too_many = document["paths"][path][method]["responses"]["429"]
    assert too_many["headers"]["Retry-After"]["required"] is True


@pytest.mark.parametrize(
    "path,media_type",
    [
        ("/api/v1/learning/theory-stream/{temp_id}", "text/event-stream"),
        ("/api/v1/learning/qna-stream/{temp_id}", "text/event-stream"),
        ("/api/v1/problems/generate-stream", "application/x-ndjson"),
        ("/metrics", "text/plain"),
    ],
)
def test_streams_and_metrics_document_their_media_type(document, path, media_type):
    (operation,) = document["paths"][path].values()
    assert list(operation["responses"]["200"]["content"]) == [media_type]


def test_lesson_events_are_documented_as_json_payloads(document):
    operation = document["paths"]["/api/v1/learning/theory-stream/{temp_id}"]["get"]
    event = operation["responses"]["200"]["content"]["text/event-stream"]["schema"]
    data = event["properties"]["data"]
    kinds = {option["properties"]["type"]["const"] for option in data["contentSchema"]["oneOf"]}
    assert data["contentMediaType"] == "application/json"
    assert kinds == {
        "stream_start", "theory_block", "block_preview", "stream_complete", "stream_error"
    }  # fmt: skip
    (preview,) = [p for p in operation["parameters"] if p["name"] == "preview"]
    assert preview["in"] == "query"


def test_streamed_events_match_their_documented_schemas(client, auth, document):
    import jsonschema

    headers = auth.new_user_headers()
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
    started = client.post("/api/v1/learning/session/start", json=body, headers=headers).json
    ticket = started["data"]["workflow_response"]["temp_session_id"]
    session_id = started["data"]["session_info"]["session_id"]
    lesson = app_events(client, f"/api/v1/learning/theory-stream/{ticket}")
    asked = client.post(
        "/api/v1/learning/session/message",
        json={"session_id": session_id, "user_message": "임베딩은 왜 벡터인가요?"},
        headers=headers,
    ).json["data"]["workflow_response"]
    answer = app_events(client, f"/api/v1/learning/qna-stream/{asked['temp_session_id']}")

    for path, events in (("theory-stream", lesson), ("qna-stream", answer)):
        operation = document["paths"][f"/api/v1/learning/{path}/{{temp_id}}"]["get"]
        schema = operation["responses"]["200"]["content"]["text/event-stream"]["schema"]
        payloads = {"oneOf": schema["properties"]["data"]["contentSchema"]["oneOf"]}
        assert events[-1][1]["type"] == "stream_complete"
        for _, event in events:
            jsonschema.validate(event, payloads)  # one documented shape, every field there


def test_problem_stream_lines_are_documented(document):
    operation = document["paths"]["/api/v1/problems/generate-stream"]["post"]
    stream = operation["responses"]["200"]["content"]["application/x-ndjson"]["schema"]
    kinds = {line["properties"]["type"]["const"] for line in stream["items"]["anyOf"]}
    assert kinds == {"status", "token", "result", "error"}
    assert "$defs" not in str(stream)  # references resolve from the document's root only


class Count(BaseModel):
    count: int


def test_a_response_that_breaks_its_model_is_a_logged_internal_error(make_settings, caplog):
    app = create_app(make_settings())

    @app.get("/api/v1/broken-shape")
    @spec.validate(resp=documented(200, envelope("CountResponse", Count)))
    def broken_shape():
        return ok({"count": "a secret value"})

    response = app.test_client().get("/api/v1/broken-shape")
    assert response.status_code == 500
    assert response.json["success"] is False
    assert response.json["error"]["code"] == "INTERNAL_ERROR"
    assert response.json["error"]["request_id"] == response.headers["X-Request-ID"]
    assert "data.count" in caplog.text and "a secret value" not in caplog.text
