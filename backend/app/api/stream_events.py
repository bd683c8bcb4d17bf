"""JSON Schemas of the SSE events, for the OpenAPI document (DESIGN 4.2, 4.2.2, 4.2.3).

An event-stream schema describes one event as parsed from the wire: `data` (our JSON
payload), `id` (the event's seq; a refusal has none) and `event` (always the default,
"message": we send no `event:` line, so `EventSource.onmessage` sees every event).
Payload fields beyond the ones the contract names are allowed, so additions stay compatible.
"""

from __future__ import annotations

from typing import Any

STREAM_ERROR_CODES = [
    "INVALID_SESSION",
    "TOKEN_EXPIRED",
    "CANCELLED",
    "GENERATION_FAILED",
    "RUN_ABORTED",
    "RATE_LIMITED",
    "STORE_UNAVAILABLE",
]

_COUNT = {"type": "integer", "minimum": 0}
_USAGE = {"type": ["object", "null"]}


def _payload(event_type: str, **fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *fields],
        "properties": {"type": {"const": event_type}, **fields},
    }


STREAM_START = _payload("stream_start", temp_session_id={"type": "string", "minLength": 1})
STREAM_ERROR = _payload(
    "stream_error", code={"enum": STREAM_ERROR_CODES}, message={"type": "string"}
)
THEORY_BLOCK = _payload(
    "theory_block",
    block_type={"type": "string", "minLength": 1},
    block_id={"type": "integer", "minimum": 1},
    data={"type": "object"},
)
# Only with `?preview=1`, and never with an id: volatile, not in the run log (DESIGN 4.2.3).
BLOCK_PREVIEW = _payload(
    "block_preview",
    block_id={"type": "integer", "minimum": 1},
    block_type={"type": ["string", "null"]},
    offset=_COUNT,
    text={"type": "string"},
)
LESSON_COMPLETE = _payload(
    "stream_complete",
    total_blocks=_COUNT,
    fallback={"type": "boolean"},
    fallback_mode={"enum": ["sync", "continuation", None]},
    elapsed_ms=_COUNT,
    usage=_USAGE,
    skipped_blocks=_COUNT,
    # True when another worker or host continued the run (DESIGN 4.4).
    taken_over={"type": "boolean"},
)
QNA_TOKEN = _payload("qna_token", text={"type": "string"})
ANSWER_COMPLETE = _payload(
    "stream_complete",
    answer={"type": "string"},
    sources={"type": "array", "items": {"type": "object"}},
    elapsed_ms=_COUNT,
    usage=_USAGE,
    taken_over={"type": "boolean"},
)


def sse_event_schema(*payloads: dict[str, Any]) -> dict[str, Any]:
    """One SSE event whose `data` is JSON matching one of `payloads`."""
    return {
        "type": "object",
        "required": ["data"],
        "properties": {
            "id": {"type": "string", "pattern": "^[1-9][0-9]*$"},
            "event": {"const": "message"},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"oneOf": list(payloads)},
            },
        },
    }


LESSON_EVENT = sse_event_schema(
    STREAM_START, THEORY_BLOCK, BLOCK_PREVIEW, LESSON_COMPLETE, STREAM_ERROR
)
ANSWER_EVENT = sse_event_schema(STREAM_START, QNA_TOKEN, ANSWER_COMPLETE, STREAM_ERROR)
