"""Odd headers and query strings on the JSON routes: a 4xx in the one error shape, or success.

The routes come from the catalogue the body battery checks against the url_map.
"""

import pytest

from tests.support.bad_input import BODY_ROUTES, assert_error_shape

TOKEN_ROUTES = {name: route for name, route in BODY_ROUTES.items() if route[2] != "anyone"}
ALG_NONE = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwidHlwZSI6ImFjY2VzcyJ9."
ODD_AUTHORIZATION = {
    "garbage": "Bearer garbage",
    "basic": "Basic dXNlcjpwYXNz",
    "empty_bearer": "Bearer ",
    "two_parts": "Bearer a b",
    "overlong": "Bearer " + "x" * 10_000,
    "alg_none": f"Bearer {ALG_NONE}",
    "latin1_bytes": "Bearer \xb2\xff",
}


@pytest.fixture
def tokens(auth):
    return auth.login(auth.register()["username"])


def body_of(route) -> dict:
    return route[3] or {}


@pytest.mark.parametrize("name", sorted(ODD_AUTHORIZATION))
@pytest.mark.parametrize("route", sorted(TOKEN_ROUTES))
def test_odd_authorization_is_401(client, route, name):
    method, path, _caller, _valid = TOKEN_ROUTES[route]
    headers = {"Authorization": ODD_AUTHORIZATION[name]}
    response = client.open(path, method=method, json=body_of(TOKEN_ROUTES[route]), headers=headers)
    assert_error_shape(response, 401)


@pytest.mark.parametrize("route", sorted(TOKEN_ROUTES))
def test_the_other_kind_of_token_is_401(client, tokens, route):
    method, path, caller, _valid = TOKEN_ROUTES[route]
    wrong = tokens["access_token"] if caller == "refresh" else tokens["refresh_token"]
    response = client.open(
        path,
        method=method,
        json=body_of(TOKEN_ROUTES[route]),
        headers={"Authorization": f"Bearer {wrong}"},
    )
    assert_error_shape(response, 401)


@pytest.mark.parametrize(
    "content_type,status",
    [
        ("application/jsonx", 400),
        ("text/html", 400),
        ("multipart/form-data; boundary=x", 400),
        ("application/merge-patch+json", 200),
        ("APPLICATION/JSON", 200),
        ("application/json; charset=\xff", 200),
    ],
)
def test_odd_content_types(client, tokens, content_type, status):
    response = client.patch(
        "/api/v1/auth/me",
        data=b'{"user_type": "advanced"}',
        headers={"Authorization": f"Bearer {tokens['access_token']}", "Content-Type": content_type},
    )
    if status == 200:
        assert response.status_code == 200, response.json
    else:
        assert_error_shape(response, status)


def test_a_utf16_body_is_read(client, tokens):
    response = client.patch(
        "/api/v1/auth/me",
        data='{"user_type": "advanced"}'.encode("utf-16"),
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("request_id", ["", "x" * 5000, "a\tb\u00ff", "../../etc", "short"])
def test_odd_request_ids_are_replaced_on_errors_too(client, request_id):
    response = client.post(
        "/api/v1/auth/login", data=b"nope", content_type="application/json",
        headers={"X-Request-ID": request_id},
    )  # fmt: skip
    assert_error_shape(response, 400)
    assert response.headers["X-Request-ID"] != request_id


@pytest.mark.parametrize(
    "query",
    [
        "limit=%ED%A0%80", "limit=1e3", "limit=-1", "limit=0", "limit=" + "9" * 30,
        "limit=1&limit=2x", "cursor=%00", "cursor=" + "A" * 600, "cursor=%ED%A0%80",
        "cursor=eyJ9", "limit=NaN",
    ],
)  # fmt: skip
def test_odd_problem_list_queries_are_422(client, tokens, query):
    response = client.get(
        f"/api/v1/problems?{query}", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert_error_shape(response, 422)
