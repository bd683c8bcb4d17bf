"""Time to first block as the learner sees it: from the request that asked for a stream
to the first chunk holding a content event that the stream's claimer wrote to the client.

The request and the claim may be served by different workers or hosts, so the start is
the request's wall-clock arrival carried in the stream's ticket (`requested_at`); hosts
are expected to keep their clocks in sync (NTP), a skew shows up in the figure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from backend.app.observability.metrics import TIME_TO_FIRST_BLOCK


def content_marker(event_type: str) -> str:
    """The text that starts a framed event of `event_type` (compact JSON, `type` first)."""
    return f'"type":"{event_type}"'


def observe_first_block(
    chunks: Iterator[str], kind: str, marker: str, requested_at: float | None
) -> Iterator[str]:
    """Yield `chunks` unchanged; observe the time to the first one holding `marker`.

    The observation is made once that chunk was written (the server asks for the next
    one only then). After it, chunks pass through without being scanned. A JSON string
    value cannot hold the marker unescaped, so block text never matches.
    """
    chunks = iter(chunks)
    try:
        if requested_at is not None:
            for chunk in chunks:
                yield chunk
                if marker in chunk:
                    TIME_TO_FIRST_BLOCK.labels(kind).observe(max(0.0, time.time() - requested_at))
                    break
        yield from chunks
    finally:
        # A client that leaves mid-scan closes this generator: close the subscription too.
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
