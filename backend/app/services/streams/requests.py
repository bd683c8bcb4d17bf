"""What a stream request says: its caller, its Last-Event-ID, and how it is refused."""

from __future__ import annotations

from flask_jwt_extended import decode_token
from jwt import ExpiredSignatureError

INVALID = ("INVALID_SESSION", "This stream is not available.")
TOO_MANY = ("RATE_LIMITED", "This stream already has as many viewers as it may have.")


class StreamRefused(Exception):
    """A stream request that gets one `stream_error` and nothing else."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code, self.message = code, message


def caller_of(authorization: str | None) -> str | None:
    """The user named by an Authorization header, if the request sent one."""
    if not authorization:
        return None
    token = authorization.removeprefix("Bearer ").strip()
    try:
        claims = decode_token(token)
    except ExpiredSignatureError:
        raise StreamRefused("TOKEN_EXPIRED", "The token has expired.") from None
    except Exception:
        raise StreamRefused(*INVALID) from None
    if claims.get("type") != "access":
        raise StreamRefused(*INVALID)
    return claims["sub"]


def last_event_id_of(value: str) -> int:
    """The event number a Last-Event-ID header names; a refusal when it names none."""
    # ASCII digits only: str.isdigit() also takes "²" (int() fails) and "١" (int() takes).
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise StreamRefused("INVALID_SESSION", "Last-Event-ID must be an event number.")
    return int(value)
