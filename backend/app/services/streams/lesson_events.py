"""The theory lesson run: stream blocks, fall back safely, and end with one terminal event."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from backend.app.llm.limits import TOKEN_LIMIT_MESSAGE, OutputTokenLimitReached
from backend.app.streaming.block_preview import BlockPreview
from backend.app.streaming.events import stream_error
from backend.app.streaming.previews import Preview
from backend.app.tools.content.block_intake import BlockTally
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import ESTIMATED_BLOCKS
from backend.app.tools.content.theory_stream_tool import (
    StreamStats,
    theory_streaming_generation_tool,
)
from backend.app.tools.content.theory_tools import (
    theory_continuation_tool,
    theory_generation_tool,
)

log = logging.getLogger(__name__)


class StreamCutShort(Exception):
    """The model's stream ended before the block array was closed, or gave no block."""


def produce_lesson_events(context: LessonContext, model) -> Iterator[dict | Preview]:
    """stream_start, theory_block..., then stream_complete or one stream_error.

    A `Preview` (never logged) comes before each block the model begins, with the id the
    block will get if it turns out valid.

    Failure before the first block: the synchronous tool writes the lesson (`sync`).
    Failure after k blocks: one continuation call for the rest (`continuation`), so no
    block is sent twice. If that fails too: stream_error GENERATION_FAILED.
    `skipped_blocks` counts the invalid blocks left out of the lesson the learner got.
    """
    started = time.monotonic()
    # No ticket in the logged event: subscribers add it as they serve it.
    yield {"type": "stream_start", "estimated_blocks": ESTIMATED_BLOCKS}
    delivered: list[dict] = []
    stats = StreamStats()

    def block_event(block: dict) -> dict:
        numbered = {
            "block_type": block["block_type"],
            "block_id": len(delivered) + 1,
            "data": block["data"],
        }
        delivered.append(numbered)
        return {"type": "theory_block", **numbered}

    fallback_mode = None
    try:
        for item in theory_streaming_generation_tool(context, model, stats):
            if isinstance(item, BlockPreview):
                yield Preview(len(delivered) + 1, item)
            else:
                yield block_event(item)
        if not delivered or not stats.complete:
            raise StreamCutShort(f"{len(delivered)} blocks, array closed: {stats.complete}")
    except OutputTokenLimitReached:
        # No fallback: a second call would run into the same limit. The blocks delivered
        # stay; the one the model was writing is never sent.
        log.warning("Lesson stopped at the output token limit after %d blocks", len(delivered))
        yield stream_error("GENERATION_FAILED", TOKEN_LIMIT_MESSAGE)
        return
    except Exception as error:  # cancellation is a BaseException and passes through
        log.warning(
            "Lesson stream failed after %d blocks: %s", len(delivered), type(error).__name__
        )
        fallback_mode = "continuation" if delivered else "sync"
        if not delivered:
            stats.blocks = BlockTally()  # the sync lesson replaces the attempt, unseen
        try:
            rest = rest_of_lesson(context, model, delivered, stats.blocks)
        except Exception as fallback_error:
            log.warning(
                "Lesson fallback (%s) failed: %s", fallback_mode, type(fallback_error).__name__
            )
            yield stream_error("GENERATION_FAILED", "The lesson could not be generated.")
            return
        for block in rest:
            yield block_event(block)
    yield lesson_complete(len(delivered), fallback_mode, started, stats)


def lesson_complete(
    total_blocks: int,
    fallback_mode: str | None,
    started: float,
    stats: StreamStats,
    *,
    taken_over: bool = False,
) -> dict:
    """A lesson's stream_complete (`taken_over`: another worker or host continued it)."""
    return {
        "type": "stream_complete",
        "total_blocks": total_blocks,
        "fallback": fallback_mode is not None,
        "fallback_mode": fallback_mode,
        "elapsed_ms": round((time.monotonic() - started) * 1000),
        "usage": stats.usage,
        "skipped_blocks": stats.blocks.skipped,
        "taken_over": taken_over,
    }


def rest_of_lesson(
    context: LessonContext, model, delivered: list[dict], tally: BlockTally
) -> list[dict]:
    """The blocks after `delivered` in one call (the whole lesson when none was delivered).

    Unnumbered `{"block_type", "data"}`; GenerationFailed or ModelUnavailable when the
    model gives nothing usable.
    """
    if delivered:
        return theory_continuation_tool(context, model, delivered, tally)
    return [
        {"block_type": b["block_type"], "data": b["data"]}
        for b in theory_generation_tool(context, model, tally)
    ]


def lesson_blocks(events: list[dict]) -> list[dict]:
    """The lesson blocks among a run's events, in order, as the session keeps them."""
    return [
        {key: event[key] for key in ("block_type", "block_id", "data")}
        for event in events
        if event.get("type") == "theory_block"
    ]
