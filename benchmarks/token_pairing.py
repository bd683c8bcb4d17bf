"""Pair streamed tokens with the fake's upstream chunks that carried them.

Each scripted reply holds a unique marker; a client finds its upstream request by the
marker in the text it received. A token event may carry several chunks (answers merge
the pieces that arrive in one loop turn), so chunks are paired by their text: a chunk's
latency runs from the fake writing it to the client reading the event that carried its
last character.
"""

from __future__ import annotations

import bisect
import itertools
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
    """Read time minus write time of every chunk, or None when the stream cannot be paired."""
    text = "".join(token for token, _ in tokens)
    found = marker.search(text)
    record = streamed.get(found[1]) if found else None
    if record is None or record["content"] != text:
        return None
    token_ends = list(itertools.accumulate(len(token) for token, _ in tokens))
    latencies, end = [], 0
    for length, written in record["chunks"]:  # (characters, monotonic time written)
        end += length
        carrier = bisect.bisect_left(token_ends, end)  # the first token reaching its end
        latencies.append((tokens[carrier][1] - written) * 1000)
    return latencies
