"""Takeover time: host A stopped mid-lesson, and the client back on host B (DESIGN 4.4).

A slow lesson is claimed on A and two blocks are read; then A is SIGKILLed (its whole
process group: the host dies) or its master SIGTERMed (an orderly stop: its worker hands
the run over), and the client resumes on B with the last id it saw. The figure is the time
from the signal to the next `theory_block` at the client: after a SIGKILL about the rest
of the lease plus one sweep (<= lease + 2 s), after a SIGTERM a second or two at most.
The fake answers B's continuation call with the lesson's remaining blocks at once, so the
figure is the takeover's, not the model's.
"""

from __future__ import annotations

import json
import time

import httpx

from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import CHUNK_CHARS, lesson_blocks, lesson_document, marker_of
from benchmarks.lesson_streams import start_tickets
from devservers.hosts import AppHost

# The takeover lesson is slower than the others, so host A stops in the middle of it.
SLOW_CHUNK_DELAY = 0.05
BLOCKS_BEFORE_STOP = 2
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PATH = "/api/v1/learning/theory-stream/{}"


def _sse(response: httpx.Response):
    """(id, event) pairs of an SSE response as they arrive."""
    seq, data = None, []
    for line in response.iter_lines():
        if line.startswith("id:"):
            seq = int(line[3:].strip())
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield seq, json.loads("\n".join(data))
            seq, data = None, []


def takeover_trial(
    a: AppHost, b: AppHost, fake: FakeProcess, token: str, how: str, trial: int
) -> dict:
    """Stop host `a` (`kill` or `terminate`) mid-lesson; seconds to the next block on `b`.

    Host `a` is started again afterwards, for the next trial.
    """
    marker = marker_of(trial, 0, 7 if how == "kill" else 8)
    rest = json.dumps(lesson_blocks(marker)[BLOCKS_BEFORE_STOP:], ensure_ascii=False)
    fake.call("take_records")  # a clean queue: A's lesson first, then B's continuation
    fake.call("script", [lesson_document(marker)], CHUNK_CHARS, SLOW_CHUNK_DELAY)
    fake.call("script", [rest], CHUNK_CHARS, 0.0)
    (ticket,) = start_tickets(a.url, token, 1)
    url, last, seen = PATH.format(ticket), 0, 0
    with httpx.stream("GET", a.url + url, timeout=TIMEOUT) as response:
        for seq, event in _sse(response):
            last = seq or last
            seen += event.get("type") == "theory_block"
            if seen == BLOCKS_BEFORE_STOP:
                break
    stopped_at = time.monotonic()
    getattr(a, how)()
    first_block_at, block_id, terminal = None, None, {}
    headers = {"Last-Event-ID": str(last)}
    with httpx.stream("GET", b.url + url, headers=headers, timeout=TIMEOUT) as resp:
        for _, event in _sse(resp):
            if event.get("type") == "theory_block" and first_block_at is None:
                first_block_at, block_id = time.monotonic(), event["block_id"]
            if event.get("type") in ("stream_complete", "stream_error"):
                terminal = event
                break
    if how == "terminate":
        a.wait(timeout=60)
    a.start()
    return {
        "seconds": None if first_block_at is None else round(first_block_at - stopped_at, 2),
        "next_block_id": block_id,
        "terminal": terminal.get("type"),
        "taken_over": terminal.get("taken_over"),
        "total_blocks": terminal.get("total_blocks"),
    }
