"""Wire framing of streamed events: Server-Sent Events and NDJSON lines."""

from __future__ import annotations

import json
import re
from typing import Any

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # json.dumps escapes CR and LF but leaves these raw; clients that split lines with
    # str.splitlines() (or similar) would break the frame on them. Escaped, they decode the same.
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        text = text.replace("\x85", "\\u0085")
    return text


def sse_event(event_id: int | None, data: dict[str, Any]) -> str:
    """One SSE event: optional `id:` line and a single `data:` line of compact JSON."""
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}data: {_compact(data)}\n\n"


def sse_comment(text: str = "ping") -> str:
    """An SSE comment (ignored by clients; keeps proxies from timing the stream out)."""
    return "".join(f": {line}\n" for line in _LINE_BREAK.split(text)) + "\n"


def ndjson_line(type_: str, payload: dict[str, Any]) -> str:
    """One NDJSON line: `{"type":...,"payload":{...}}` and a newline."""
    return _compact({"type": type_, "payload": payload}) + "\n"
