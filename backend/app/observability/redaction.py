"""Redact credentials (JWTs, bearer tokens, stream tickets, passwords) from log text.

Tickets sit in stream URLs and tokens in headers and bodies, so every log line, ours,
gunicorn's and third-party libraries', goes through `redact()` before it is written.
Stdlib only: gunicorn's master imports this before its gevent workers patch the world.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[REDACTED]"

# The password of a URL's user info: scheme://user:PASSWORD@host (database, Redis URLs).
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@'\"]*:)[^\s@'\"]+(@)")

# Fields whose value is a credential: tokens, tickets (also as `fallback_from`), passwords.
_SECRET_KEYS = "access_token|refresh_token|token|ticket|temp_session_id|fallback_from|password"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_URL_PASSWORD, r"\1" + REDACTED + r"\2"),
    # Any JWT (header.payload.signature, base64url, header starting with {" -> eyJ).
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)(\bbearer\s+)[^\s,;\"']+"), r"\1" + REDACTED),
    # The ticket segment of /theory-stream/<ticket>, /qna-stream/<ticket>, ... URLs.
    (re.compile(r"(-stream/)[^/\s?#\"']+"), r"\1" + REDACTED),
    (
        re.compile(rf"(?i)\b((?:{_SECRET_KEYS})=)[^&\s\"']+"),
        r"\1" + REDACTED,
    ),
    (
        re.compile(rf"(?i)(\"(?:{_SECRET_KEYS})\"\s*:\s*\")[^\"]*"),
        r"\1" + REDACTED,
    ),
]


def url_without_password(url: str) -> str:
    """`url` with the password of its user info replaced, for messages about a URL."""
    return _URL_PASSWORD.sub(r"\1" + REDACTED + r"\2", url)


def redact(text: str) -> str:
    """Return `text` with every credential-looking substring replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter whose output, tracebacks included, passes through `redact()`."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record as usual, then redact the whole text."""
        return redact(super().format(record))


_installed_factory = None


def install_record_redaction() -> None:
    """Redact each record's message when it is created, so every handler sees it clean."""
    global _installed_factory
    if _installed_factory is not None:
        return
    base_factory = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = base_factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the formatter to report
            return record
        record.msg, record.args = redact(message), None
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)
