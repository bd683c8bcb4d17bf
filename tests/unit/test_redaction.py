"""Credentials never reach a log line."""

import logging
import sys

from backend.app.observability.redaction import RedactingFormatter, redact, url_without_password

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)


def test_jwt_and_bearer_are_redacted():
    text = redact(f"Authorization: Bearer {JWT} and again {JWT}")
    assert "eyJ" not in text
    assert "Bearer [REDACTED]" in text


def test_stream_ticket_in_path_is_redacted():
    text = redact("GET /api/v1/learning/theory-stream/abcDEF123_-xyz?x=1 200")
    assert "abcDEF123" not in text
    assert "/theory-stream/[REDACTED]?x=1" in text
    assert "abc" not in redact("/api/v1/learning/qna-stream/abc/cancel")


def test_token_fields_in_json_and_query_strings_are_redacted():
    text = redact('{"refresh_token": "r3fr3sh", "password": "hunter2"} ?ticket=t1ck3t&a=b')
    for secret in ("r3fr3sh", "hunter2", "t1ck3t"):
        assert secret not in text
    assert "a=b" in text


def test_formatter_redacts_tracebacks():
    try:
        raise ValueError(f"bad token {JWT}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        record.exc_info = sys.exc_info()
    assert "eyJ" not in RedactingFormatter().format(record)


def test_url_passwords_are_redacted_and_the_rest_kept():
    text = redact(
        "connect postgresql+psycopg://tutor:s3cr%40t@db:5432/tutor and redis://:r3dis@r:6379/0"
    )
    assert "s3cr" not in text and "r3dis" not in text
    assert "postgresql+psycopg://tutor:[REDACTED]@db:5432/tutor" in text
    assert "redis://:[REDACTED]@r:6379/0" in text
    assert url_without_password("sqlite:////tmp/app.db") == "sqlite:////tmp/app.db"
    assert url_without_password("postgresql://tutor@db/tutor") == "postgresql://tutor@db/tutor"


def test_formatter_redacts_url_passwords_in_tracebacks():
    try:
        raise RuntimeError("cannot reach postgresql://tutor:s3cret@db/tutor")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        record.exc_info = sys.exc_info()
    assert "s3cret" not in RedactingFormatter().format(record)
