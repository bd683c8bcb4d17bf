"""The pieces behind the streaming figures: first-block timing and fallback reasons."""

from __future__ import annotations

import time

import pytest

from backend.app.observability.first_block import content_marker, observe_first_block
from backend.app.observability.metrics import TIME_TO_FIRST_BLOCK
from backend.app.services.streams.lesson import fallback_reason
from backend.app.streaming.framing import sse_event

MARKER = content_marker("theory_block")
BLOCK = sse_event(2, {"type": "theory_block", "block_id": 1, "data": {"content": "..."}})
START = sse_event(1, {"type": "stream_start", "temp_session_id": "t"})


def observed(kind: str) -> float:
    """How many first blocks of `kind` this process observed so far."""
    for metric in TIME_TO_FIRST_BLOCK.collect():
        for sample in metric.samples:
            if sample.name.endswith("_count") and sample.labels == {"kind": kind}:
                return sample.value
    return 0.0


def test_the_first_chunk_with_a_block_is_observed_once():
    before = observed("unit-once")
    chunks = [START, ": ping\n\n", BLOCK, BLOCK]
    out = observe_first_block(iter(chunks), "unit-once", MARKER, time.time() - 1)
    assert list(out) == chunks
    assert observed("unit-once") == before + 1


def test_no_block_or_no_request_time_observes_nothing():
    before = observed("unit-none")
    assert list(observe_first_block(iter([START]), "unit-none", MARKER, time.time())) == [START]
    assert list(observe_first_block(iter([BLOCK]), "unit-none", MARKER, None)) == [BLOCK]
    assert observed("unit-none") == before


def test_block_text_that_quotes_the_marker_does_not_match():
    quoted = sse_event(3, {"type": "qna_token", "text": '{"type":"theory_block"}'})
    assert MARKER not in quoted


def test_a_client_leaving_closes_the_subscription():
    closed = []

    def subscription():
        try:
            yield START
            yield BLOCK
        finally:
            closed.append(True)

    out = observe_first_block(subscription(), "unit-close", MARKER, time.time())
    assert next(out) == START
    out.close()
    assert closed == [True]


@pytest.mark.parametrize(
    ("terminal", "reason"),
    [
        ({"type": "stream_complete", "fallback": False, "fallback_mode": None}, None),
        ({"type": "stream_complete", "fallback": True, "fallback_mode": "sync"},
         "upstream_before_first_block"),
        ({"type": "stream_complete", "fallback": True, "fallback_mode": "continuation"},
         "continuation"),
        ({"type": "stream_complete", "fallback": True, "fallback_mode": "continuation",
          "taken_over": True}, "takeover"),
        ({"type": "stream_error", "code": "GENERATION_FAILED"}, None),
        (None, None),
    ],
)  # fmt: skip
def test_fallback_reasons_of_lesson_terminals(terminal, reason):
    assert fallback_reason(terminal) == reason
