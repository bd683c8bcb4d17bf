"""The opaque paging cursor both backends share: base64url of the last item's keys."""

from __future__ import annotations

import base64
import binascii
import json

from backend.app.storage.problems.errors import InvalidCursor

CURSOR_KEYS = frozenset({"userId", "createdAt", "problemId"})
MAX_CURSOR_CHARS = 512
MAX_KEY_CHARS = 128


def encode_cursor(user_id: str, created_at: str, problem_id: str) -> str:
    """A url-safe token naming the last item of a page."""
    keys = {"userId": user_id, "createdAt": created_at, "problemId": problem_id}
    raw = json.dumps(keys, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, user_id: str) -> tuple[str, str]:
    """`(created_at, problem_id)` of a cursor issued for `user_id`, else InvalidCursor."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_CHARS:
        raise InvalidCursor("The cursor is malformed.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        keys = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("The cursor is malformed.") from exc
    if not isinstance(keys, dict) or set(keys) != CURSOR_KEYS:
        raise InvalidCursor("The cursor is malformed.")
    if not all(isinstance(v, str) and 0 < len(v) <= MAX_KEY_CHARS for v in keys.values()):
        raise InvalidCursor("The cursor is malformed.")
    # A cursor from another user's listing would page through this user's items from an
    # arbitrary point; refuse it rather than guess.
    if keys["userId"] != user_id:
        raise InvalidCursor("The cursor belongs to another listing.")
    return keys["createdAt"], keys["problemId"]
