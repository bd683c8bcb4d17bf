"""Credentials never reach a log line."""

import logging
import sys

from backend.app.observability.redaction import RedactingFormatter, redact

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
