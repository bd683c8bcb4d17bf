"""The terminal events every ticket stream ends with (DESIGN 4.2), defined in one place."""

from __future__ import annotations

from typing import Any

STREAM_COMPLETE = "stream_complete"
STREAM_ERROR = "stream_error"
# A run's log ends with exactly one of these; readers stop at it.
TERMINAL_TYPES = frozenset((STREAM_COMPLETE, STREAM_ERROR))


def stream_error(code: str, message: str) -> dict[str, Any]:
    """A `stream_error` event: `{"type": "stream_error", "code": ..., "message": ...}`."""
    return {"type": STREAM_ERROR, "code": code, "message": message}


def is_terminal(event: dict[str, Any]) -> bool:
    """Whether the event ends its stream."""
    return event.get("type") in TERMINAL_TYPES
