"""Subscribing to a run: replay what is logged, then follow it live, with heartbeats."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from backend.app.streaming.events import is_terminal, stream_error
from backend.app.streaming.framing import sse_comment, sse_event
from backend.app.streaming.previews import PreviewCursor
from backend.app.streaming.runner import Runner

log = logging.getLogger(__name__)

ABORTED = stream_error("RUN_ABORTED", "The run stopped unexpectedly.")
LOST = stream_error("STORE_UNAVAILABLE", "This stream's events are no longer available.")


def subscribe_sse(
    runner: Runner,
    run_id: str,
    after_seq: int,
    heartbeat: float,
    on_abort: Callable[[str], None] | None = None,
    ticket: str | None = None,
    previews: PreviewCursor | None = None,
) -> Iterator[str]:
    """SSE text for every event after `after_seq` until the terminal one.

    With `previews`, the text of the block being written goes out between them as
    `block_preview` events without an id, at most one per the cursor's interval (DESIGN
    4.2.3); without, the stream is exactly as before.

    `stream_start` is served with the `ticket` the stream was opened with: the log keeps
    no ticket, only its hash (the run id).

    An empty wait writes `: ping` (keeps proxies open and reveals dead clients). A run
    whose producer stopped renewing its lease (its worker died) is handed to its
    takeover (Takeovers.take_over_lapsed); a kind without one is finished here with
    RUN_ABORTED, so no subscriber waits forever; `on_abort(run_id)` then wraps it up, in
    place of the producer's own completion handler that died with it. A run the store no
    longer has ends with STORE_UNAVAILABLE (no id).
    """
    with runner.watching(run_id, after_seq, previews=previews is not None):
        yield from _follow(runner, run_id, after_seq, heartbeat, on_abort, ticket, previews)


def _follow(runner, run_id, after_seq, heartbeat, on_abort, ticket, previews) -> Iterator[str]:
    last = after_seq
    ping_at = time.monotonic() + heartbeat  # a ping is due after this much silence
    while True:
        # With previews, look at the block being written once per interval.
        timeout = heartbeat if previews is None else previews.interval
        events = runner.wait(run_id, last, timeout=timeout)
        if events:
            # Everything that arrived since the last write goes out in one write.
            text, ended = [], False
            for seq, event in events:
                text.append(sse_event(seq, as_served(event, ticket)))
                last = seq
                if previews is not None:
                    previews.saw(event)
                if is_terminal(event):
                    ended = True
                    break
            yield "".join(text)
            if ended:
                return
            ping_at = time.monotonic() + heartbeat
            continue
        if previews is not None:
            now = time.monotonic()
            preview = previews.next_event(runner.current_preview(run_id), now)
            if preview is not None:
                yield sse_event(None, preview)
                ping_at = now + heartbeat
                continue
            if now < ping_at:
                continue
        info = runner.store.run_info(run_id)
        if info is None:
            # Retention removed it, or the store lost it (a Redis restart): say so.
            yield sse_event(None, LOST)
            return
        if info.finished:
            continue  # the terminal event landed after our read
        taken = info.lease_expired and runner.takeovers.take_over_lapsed(run_id)
        if info.lease_expired and not taken and abort_run(runner, run_id, on_abort):
            continue  # the terminal event is in the log now
        yield sse_comment("ping")
        ping_at = time.monotonic() + heartbeat


def as_served(event: dict, ticket: str | None) -> dict:
    """The event as a subscriber sends it: `stream_start` gets its ticket back, first after `type`."""
    if ticket is None or event.get("type") != "stream_start":
        return event
    return {"type": "stream_start", "temp_session_id": ticket, **event}


def refusal_sse(code: str, message: str) -> str:
    """The single `stream_error` (no id) a refused stream consists of."""
    return sse_event(None, stream_error(code, message))


def abort_run(runner: Runner, run_id: str, on_abort: Callable[[str], None] | None) -> bool:
    """End a run whose producer is gone; True for the one caller whose abort landed.

    A run produced in this process is alive whatever its lease says (a busy hub can
    delay a renewal), so it is never aborted from here.
    """
    if runner.is_local(run_id):
        return False
    if runner.store.append(run_id, ABORTED, terminal=True) is None:
        return False  # finished meanwhile, or another subscriber won the race
    if on_abort is not None:
        try:
            on_abort(run_id)
        except Exception:
            log.exception("Wrapping up an aborted run failed")
    return True
