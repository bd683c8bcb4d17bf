"""Shared checks of the bad-input batteries: the one error shape, and chunked bodies."""

from __future__ import annotations

from io import BytesIO

from werkzeug.test import EnvironBuilder, run_wsgi_app

# Every code a client error may carry (DESIGN 4.0).
CLIENT_ERROR_CODES = {
    "INVALID_JSON", "UNAUTHORIZED", "TOKEN_EXPIRED", "FORBIDDEN", "NOT_FOUND",
    "METHOD_NOT_ALLOWED", "CONFLICT", "PAYLOAD_TOO_LARGE", "VALIDATION_ERROR", "RATE_LIMITED",
}  # fmt: skip
STATUS_CODES = {400: "INVALID_JSON", 413: "PAYLOAD_TOO_LARGE", 422: "VALIDATION_ERROR"}

# Every POST/PUT/PATCH route, by endpoint: (method, path, who may call it, a valid body,
# or None when the route reads no body). A new route fails the bad-input battery's
# test_every_body_route_is_in_the_battery until it is listed here.
BODY_ROUTES = {
    "auth.register": (
        "POST", "/api/v1/auth/register", "anyone",
        {"username": "valid_user", "password": "long enough"},
    ),
    "auth.login": (
        "POST", "/api/v1/auth/login", "anyone",
        {"username": "valid_user", "password": "long enough"},
    ),
    "auth.refresh": ("POST", "/api/v1/auth/refresh", "refresh", None),
    "auth.logout": ("POST", "/api/v1/auth/logout", "refresh", None),
    "auth.update_me": ("PATCH", "/api/v1/auth/me", "access", {"user_type": "advanced"}),
    "learning.start_session": (
        "POST", "/api/v1/learning/session/start", "access",
        {"chapter_number": 1, "section_number": 1, "user_message": "시작", "user_type": "beginner"},
    ),
    "learning.session_message": (
        "POST", "/api/v1/learning/session/message", "access",
        {"session_id": "abc", "user_message": "다음"},
    ),
    "learning.post_feedback": (
        "POST", "/api/v1/learning/feedback", "access",
        {"session_id": "abc", "target": "lesson", "rating": 1},
    ),
    "theory_stream.cancel_theory_stream": (
        "POST", "/api/v1/learning/theory-stream/abc/cancel", "access", None,
    ),
    "theory_stream.cancel_qna_stream": ("POST", "/api/v1/learning/qna-stream/abc/cancel", "access", None),
    "problem_generator.generate_stream": (
        "POST", "/api/v1/problems/generate-stream", "access",
        {"prompt": "두 수의 합을 구하는 문제", "difficulty": "easy"},
    ),
}  # fmt: skip
SCHEMA_ROUTES = {name: route for name, route in BODY_ROUTES.items() if route[3] is not None}


def assert_error_body(status: int, body: dict, request_id: str, expected: int | None) -> None:
    """A 4xx (exactly `expected` if given) in the one error shape, with the request id."""
    assert 400 <= status < 500, (status, body)
    if expected is not None:
        assert status == expected, body
        if expected in STATUS_CODES:
            assert body["error"]["code"] == STATUS_CODES[expected], body
    assert body["success"] is False
    assert body["error"]["code"] in CLIENT_ERROR_CODES
    assert body["error"]["request_id"] == request_id


def assert_error_shape(response, expected: int | None = None) -> None:
    """A Flask test response is a 4xx in the one error shape, never a traceback."""
    assert response.mimetype == "application/json", (response.status_code, response.data[:300])
    assert "Traceback" not in response.get_data(as_text=True)
    assert_error_body(
        response.status_code, response.get_json(), response.headers["X-Request-ID"], expected
    )


def open_chunked(app, path: str, method: str, body: bytes, headers: dict[str, str]):
    """Send a JSON body to `app` the way a server passes a chunked one: without a length.

    Like gunicorn, the environ sets `wsgi.input_terminated` (the server ends the stream,
    so the app may read it to the end). Flask's test client would add a Content-Length.
    """
    environ = EnvironBuilder(
        path=path, method=method, headers=headers, content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input"] = BytesIO(body)
    environ["wsgi.input_terminated"] = True
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return app.response_class(b"".join(app_iter), status=status, headers=response_headers)
