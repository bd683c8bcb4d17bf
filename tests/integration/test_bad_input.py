"""Bad input on every route that reads a body: a 4xx in the one error shape, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.bad_input import BODY_ROUTES, SCHEMA_ROUTES, assert_error_shape, open_chunked


def _deep_object(depth: int) -> dict:
    node: dict = {"leaf": True}
    for _ in range(depth):
        node = {"child": node}
    return node


JSON = "application/json"
# Bodies no route may accept, whether it reads a body or not: (bytes, content type, status).
UNREADABLE_BODIES = {
    "not_json": (b"hello there", JSON, 400),
    "text_plain": (b"username=a&password=b", "text/plain", 400),
    "truncated": (b'{"username": "abc", ', JSON, 400),
    "invalid_utf8": (b'{"username": "\xff\xfe"}', JSON, 400),
    "raw_nul": (b'{"username": "a\x00b"}', JSON, 400),
    "nan_literal": (b'{"username": NaN}', JSON, 400),
    "huge_integer_literal": (b'{"n": ' + b"9" * 5000 + b"}", JSON, 400),
    "deeply_nested_array": (b"[" * 30_000 + b"]" * 30_000, JSON, 400),
    "nested_objects": (json.dumps(_deep_object(200)).encode(), JSON, 400),
    "oversized": (json.dumps({"username": "x" * 200_000}).encode(), JSON, 413),
    # JSON that parses but cannot be encoded back (issue 14 item 1).
    "lone_surrogate_value": (b'{"username": "\\ud800abc", "password": "long enough"}', JSON, 422),
    "lone_surrogate_key": (b'{"\\udc00": 1}', JSON, 422),
    "lone_surrogate_nested": (b'{"a": [{"b": ["x\\ud83d"]}]}', JSON, 422),
    # Python decodes JSON bytes with "surrogatepass": UTF-8 and UTF-16 bytes of a surrogate.
    "surrogate_utf8_bytes": (b'{"username": "\xed\xa0\x80"}', JSON, 422),
    "surrogate_utf16_bytes": (
        '{"username": "?"}'.encode("utf-16-le").replace(b"?\x00", b"\x00\xd8"),
        JSON,
        422,
    ),
    "infinite_number": (b'{"username": 1e999}', JSON, 422),
}
# Bodies that are JSON but not the object a route's schema asks for.
WRONG_SHAPE_BODIES = {
    "empty": b"",
    "array": b"[1, 2, 3]",
    "null": b"null",
    "number": b"42",
    "missing_fields": b"{}",
}

# Field-level poison, merged into a route's valid body (only the keys it has).
BAD_FIELDS = {
    "wrong_types": {
        "username": 123, "password": ["x"], "user_type": 7, "chapter_number": "2",
        "section_number": 1.5, "user_message": ["다음"], "session_id": 42, "target": 1,
        "rating": True, "prompt": {"text": "x"}, "difficulty": 2,
    },
    "very_long_strings": {
        "username": "u" * 5000, "password": "p" * 5000, "user_type": "a" * 5000,
        "user_message": "메" * 5000, "session_id": "s" * 5000, "target": "t" * 5000,
        "prompt": "문" * 5000, "difficulty": "d" * 5000,
    },
    "non_ascii": {
        "username": "사용자이름", "user_type": "초보자", "chapter_number": "이", "session_id": None,
        "target": "수업", "difficulty": "어려움",
    },
    "nul_characters": {
        "username": "ab\u0000cd", "password": "pass\u0000word!", "user_type": "beginner\u0000",
        "user_message": "다\u0000음", "session_id": "a\u0000b", "target": "lesson\u0000",
        "prompt": "두 수\u0000의 합", "difficulty": "easy\u0000",
    },
    "huge_numbers": {
        "username": 10**30, "password": 10**30, "user_type": 10**30, "chapter_number": 10**30,
        "section_number": -(10**30), "user_message": 10**30, "session_id": 10**30,
        "rating": 10**30, "prompt": 1e308, "difficulty": 10**30,
    },
    "unknown_field": {"is_admin": True},
    "nulls": {
        "username": None, "password": None, "user_type": 0, "chapter_number": None,
        "section_number": None, "user_message": None, "session_id": None, "target": None,
        "rating": None, "prompt": None, "difficulty": None,
    },
}  # fmt: skip


@pytest.fixture
def callers(client, auth):
    """Headers for each kind of caller: nobody, an access token, a refresh token."""
    tokens = auth.login(auth.register()["username"])
    return {
        "anyone": {},
        "access": {"Authorization": f"Bearer {tokens['access_token']}"},
        "refresh": {"Authorization": f"Bearer {tokens['refresh_token']}"},
    }


def test_every_body_route_is_in_the_battery(app):
    routes = {
        rule.endpoint: method
        for rule in app.url_map.iter_rules()
        for method in rule.methods & {"POST", "PUT", "PATCH"}
    }
    assert routes == {name: route[0] for name, route in BODY_ROUTES.items()}


@pytest.mark.parametrize("body_name", sorted(UNREADABLE_BODIES))
@pytest.mark.parametrize("route", sorted(BODY_ROUTES))
def test_unreadable_bodies(client, callers, route, body_name):
    method, path, caller, _valid = BODY_ROUTES[route]
    data, content_type, status = UNREADABLE_BODIES[body_name]
    response = client.open(
        path, method=method, data=data, content_type=content_type, headers=callers[caller]
    )
    assert_error_shape(response, status)


@pytest.mark.parametrize("route", sorted(BODY_ROUTES))
def test_unencodable_json_is_422_without_a_token_too(client, route):
    method, path, _caller, _valid = BODY_ROUTES[route]
    body = b'{"username": "\\ud800abc", "password": "long enough"}'
    response = client.open(path, method=method, data=body, content_type=JSON)
    assert_error_shape(response, 422)
    assert response.json["error"]["details"][0]["loc"] == ["username"]


@pytest.mark.parametrize("route", sorted(BODY_ROUTES))
def test_oversized_chunked_bodies_are_413(app, callers, route):
    method, path, caller, _valid = BODY_ROUTES[route]
    body = json.dumps({"username": "x" * 100_000}).encode()
    assert_error_shape(open_chunked(app, path, method, body, callers[caller]), 413)


@pytest.mark.parametrize("route", sorted(SCHEMA_ROUTES))
def test_chunked_bodies_within_the_limit_are_read(app, callers, route):
    method, path, caller, valid = SCHEMA_ROUTES[route]
    body = json.dumps({**valid, "unknown_field": True}).encode()
    response = open_chunked(app, path, method, body, callers[caller])
    # Read whole: the unknown field is what the validator refuses, not the framing.
    assert_error_shape(response, 422)
    assert response.json["error"]["details"][0]["loc"] == ["unknown_field"]


@pytest.mark.parametrize("body_name", sorted(WRONG_SHAPE_BODIES))
@pytest.mark.parametrize("route", sorted(SCHEMA_ROUTES))
def test_wrong_shape_bodies(client, callers, route, body_name):
    method, path, caller, _valid = SCHEMA_ROUTES[route]
    data = WRONG_SHAPE_BODIES[body_name]
    response = client.open(
        path, method=method, data=data, content_type=JSON, headers=callers[caller]
    )
    assert_error_shape(response, 422)


@pytest.mark.parametrize("field_name", sorted(BAD_FIELDS))
@pytest.mark.parametrize("route", sorted(SCHEMA_ROUTES))
def test_bad_fields(client, callers, route, field_name):
    method, path, caller, valid = SCHEMA_ROUTES[route]
    poison = {
        k: v
        for k, v in BAD_FIELDS[field_name].items()
        if k in valid or field_name == "unknown_field"
    }
    response = client.open(path, method=method, json={**valid, **poison}, headers=callers[caller])
    if path.endswith("/login") and field_name == "non_ascii":
        # Any string is a possible username at login; an unknown one is just a failed login.
        assert_error_shape(response, 401)
        return
    assert_error_shape(response, 422)
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["details"]


@pytest.mark.parametrize(
    "chapter,section", [(999, 1), (1, 999), (10**30, 1), (2**63, 2**63), (1, 2**31)]
)
def test_unknown_chapter_or_section_is_404_whatever_its_size(client, callers, chapter, section):
    body = {"chapter_number": chapter, "section_number": section, "user_message": "시작"}
    response = client.post("/api/v1/learning/session/start", json=body, headers=callers["access"])
    assert_error_shape(response, 404)
    assert response.json["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("chapter,section", [(0, 1), (1, 0), (-1, 1), (1, -(10**30))])
def test_chapter_and_section_numbers_start_at_1(client, callers, chapter, section):
    body = {"chapter_number": chapter, "section_number": section}
    response = client.post("/api/v1/learning/session/start", json=body, headers=callers["access"])
    assert_error_shape(response, 422)


def test_the_course_size_is_not_in_the_request_schema(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    (start,) = [
        schema for name, schema in schemas.items() if name.startswith("StartSessionRequest")
    ]
    for field in ("chapter_number", "section_number"):
        assert "maximum" not in start["properties"][field]


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


# Any text, lone surrogates included: what a JSON `\uXXXX` escape can carry.
# (st.text drops surrogates from any alphabet, so the text is joined from characters.)
surrogate = st.sampled_from("\ud800\udbff\udc00\udfff")
any_text = st.lists(st.characters() | surrogate, max_size=50).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(st.sampled_from(["username", "password", "user_type", "x"]), json_values)
    | json_values
)
def test_arbitrary_json_never_causes_a_server_error(client, body):
    # json.dumps escapes surrogates as \\uXXXX and writes NaN/Infinity: the wire sees them.
    data = json.dumps(body)
    for path in ("/api/v1/auth/register", "/api/v1/auth/login"):
        response = client.post(path, data=data, content_type=JSON)
        assert response.status_code < 500
        assert ("success" in response.json) and (
            "error" in response.json or response.json["success"]
        )
