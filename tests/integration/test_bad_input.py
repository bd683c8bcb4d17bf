"""Bad input on every JSON endpoint: always a 4xx in the error shape, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KNOWN_CODES = {
    "INVALID_JSON", "UNAUTHORIZED", "TOKEN_EXPIRED", "NOT_FOUND", "METHOD_NOT_ALLOWED",
    "CONFLICT", "PAYLOAD_TOO_LARGE", "VALIDATION_ERROR", "RATE_LIMITED",
}  # fmt: skip

# (method, path, a valid body) for every endpoint that reads a JSON body.
JSON_ENDPOINTS = [
    ("POST", "/api/v1/auth/register", {"username": "valid_user", "password": "long enough"}),
    ("POST", "/api/v1/auth/login", {"username": "valid_user", "password": "long enough"}),
    ("PATCH", "/api/v1/auth/me", {"user_type": "advanced"}),
    (
        "POST",
        "/api/v1/learning/session/start",
        {"chapter_number": 1, "section_number": 1, "user_message": "시작", "user_type": "beginner"},
    ),
    ("POST", "/api/v1/learning/session/message", {"session_id": "abc", "user_message": "다음"}),
]

APPLICATION_JSON = "application/json"


def _deep_object(depth: int) -> dict:
    node: dict = {"leaf": True}
    for _ in range(depth):
        node = {"child": node}
    return node


BAD_BODIES = {
    "empty": (b"", APPLICATION_JSON),
    "not_json": (b"hello there", APPLICATION_JSON),
    "text_plain": (b"username=a&password=b", "text/plain"),
    "truncated": (b'{"username": "abc", ', APPLICATION_JSON),
    "invalid_utf8": (b'{"username": "\xff\xfe"}', APPLICATION_JSON),
    "array": (b"[1, 2, 3]", APPLICATION_JSON),
    "null": (b"null", APPLICATION_JSON),
    "number": (b"42", APPLICATION_JSON),
    "missing_fields": (b"{}", APPLICATION_JSON),
    "deeply_nested_array": (b"[" * 100_000 + b"]" * 100_000, APPLICATION_JSON),
    "oversized": (json.dumps({"username": "x" * 200_000}).encode(), APPLICATION_JSON),
    "nested_objects": (json.dumps(_deep_object(200)).encode(), APPLICATION_JSON),
}

# Field-level poison, merged into the endpoint's valid body.
BAD_FIELDS = {
    "wrong_types": {
        "username": 123, "password": ["x"], "user_type": 7, "chapter_number": "2",
        "section_number": 1.5, "user_message": ["다음"], "session_id": 42,
    },
    "very_long_strings": {
        "username": "u" * 5000, "password": "p" * 5000, "user_type": "a" * 5000,
        "user_message": "메" * 5000, "session_id": "s" * 5000,
    },
    "non_ascii": {"username": "사용자이름", "user_type": "초보자", "chapter_number": "이", "session_id": None},
    "nul_characters": {
        "username": "ab\u0000cd", "password": "pass\u0000word!", "user_type": "beginner\u0000",
        "user_message": "다\u0000음", "session_id": "a\u0000b",
    },
    "unknown_field": {"is_admin": True},
    "nulls": {
        "username": None, "password": None, "user_type": 0, "chapter_number": None,
        "section_number": None, "user_message": None, "session_id": None,
    },
}  # fmt: skip


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def assert_error_shape(response, expected_status: int | None = None):
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    if expected_status:
        assert response.status_code == expected_status
    body = response.get_json()
    assert body["success"] is False
    assert body["error"]["code"] in KNOWN_CODES
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body_name", sorted(BAD_BODIES))
@pytest.mark.parametrize("method,path,_valid", JSON_ENDPOINTS, ids=lambda v: str(v))
def test_bad_bodies(client, headers, method, path, _valid, body_name):
    data, content_type = BAD_BODIES[body_name]
    response = client.open(
        path, method=method, data=data, content_type=content_type, headers=headers
    )
    expected = {"oversized": 413, "not_json": 400, "text_plain": 400, "truncated": 400}
    assert_error_shape(response, expected.get(body_name))


@pytest.mark.parametrize("field_name", sorted(BAD_FIELDS))
@pytest.mark.parametrize("method,path,valid", JSON_ENDPOINTS, ids=lambda v: str(v))
def test_bad_fields(client, headers, method, path, valid, field_name):
    poison = {
        k: v
        for k, v in BAD_FIELDS[field_name].items()
        if k in valid or field_name == "unknown_field"
    }
    response = client.open(path, method=method, json={**valid, **poison}, headers=headers)
    if path.endswith("/login") and field_name == "non_ascii":
        # Any string is a possible username at login; an unknown one is just a failed login.
        assert_error_shape(response, 401)
        return
    assert_error_shape(response, 422)
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["details"]


def test_validation_details_never_echo_the_password(client):
    response = client.post(
        "/api/v1/auth/register", json={"username": "x", "password": "secret\u0000value"}
    )
    assert response.status_code == 422
    assert "secret" not in response.get_data(as_text=True)


def test_non_ascii_password_is_fine(client):
    body = {"username": "hangul_pw", "password": "비밀번호는길어요"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    assert client.post("/api/v1/auth/login", json=body).status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(st.sampled_from(["username", "password", "user_type", "x"]), json_values)
    | json_values
)
def test_arbitrary_json_never_causes_a_server_error(client, body):
    for path in ("/api/v1/auth/register", "/api/v1/auth/login"):
        response = client.post(path, json=body)
        assert response.status_code < 500
        assert ("success" in response.json) and (
            "error" in response.json or response.json["success"]
        )
