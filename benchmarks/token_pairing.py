"""Pair streamed tokens with the fake's upstream chunks that carried them.

Each scripted reply holds a unique marker; a client finds its upstream request by the
marker in the text it received, and the k-th token it read is the k-th chunk the fake
wrote (each chunk becomes exactly one token event).
"""

from __future__ import annotations

import re


def streamed_by_marker(records: list[dict], marker: re.Pattern[str]) -> dict[str, dict]:
    """The fake's streamed requests, keyed by the marker in their scripted content."""
    streamed = {}
    for record in records:
        found = marker.search(record["content"])
        if record["stream"] and found:
            streamed[found[1]] = record
    return streamed


def token_latencies_ms(
    tokens: list[tuple[str, float]], streamed: dict[str, dict], marker: re.Pattern[str]
) -> list[float] | None:
    """Read time minus write time of every token, or None when the stream cannot be paired."""
    found = marker.search("".join(text for text, _ in tokens))
    record = streamed.get(found[1]) if found else None
    if record is None or len(record["chunks"]) != len(tokens):
        return None
    pairs = zip(tokens, record["chunks"], strict=True)
    return [(read - written) * 1000 for (_, read), (_, written) in pairs]
