"""Continuing a run another worker or host started, from what it delivered (DESIGN 4.4).

A run whose producer died (its lease lapsed) or was stopped is continued by whoever
claims it, with the continuation call of 4.2: the learner already has some blocks (or
some answer text), and gets exactly the rest, each block once. Only when that call fails
does the run end with RUN_ABORTED.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from langchain_core.messages import AIMessage, HumanMessage

from backend.app.agents.qna_resolver.context import QnAContext, build_answer_messages
from backend.app.llm.errors import GenerationFailed
from backend.app.llm.text_stream import stream_text
from backend.app.services.streams.answer_events import answer_text
from backend.app.services.streams.lesson_events import (
    lesson_blocks,
    lesson_complete,
    rest_of_lesson,
)
from backend.app.streaming.events import stream_error
from backend.app.streaming.text_events import MergeableText
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import ESTIMATED_BLOCKS
from backend.app.tools.content.theory_stream_tool import StreamStats

log = logging.getLogger(__name__)

LESSON_ABORTED = stream_error("RUN_ABORTED", "The lesson stopped and could not be continued.")
ANSWER_ABORTED = stream_error("RUN_ABORTED", "The answer stopped and could not be continued.")
CONTINUE_ANSWER = (
    "Your answer above was cut off. Continue it exactly where it stopped, in the same"
    " language and style. Do not repeat anything already written, and do not comment on"
    " the interruption."
)


def continue_lesson_events(context: LessonContext, model, logged: list[dict]) -> Iterator[dict]:
    """The rest of a lesson after the `logged` events, then stream_complete (taken over)."""
    started = time.monotonic()
    if not any(event.get("type") == "stream_start" for event in logged):
        yield {"type": "stream_start", "estimated_blocks": ESTIMATED_BLOCKS}
    delivered = lesson_blocks(logged)
    stats = StreamStats()
    try:
        rest = rest_of_lesson(context, model, delivered, stats.blocks)
    except GenerationFailed as failed:
        if not delivered:
            log.warning("Taken-over lesson could not be generated: %s", failed)
            yield LESSON_ABORTED
            return
        rest = []  # the model has nothing to add: the lesson was whole
    except Exception as error:  # cancellation is a BaseException and passes through
        log.warning("Taken-over lesson could not be continued: %s", type(error).__name__)
        yield LESSON_ABORTED
        return
    for offset, block in enumerate(rest, start=len(delivered) + 1):
        yield {
            "type": "theory_block",
            "block_type": block["block_type"],
            "block_id": offset,
            "data": block["data"],
        }
    total = len(delivered) + len(rest)
    yield lesson_complete(total, "continuation", started, stats, taken_over=True)


def continue_answer_events(
    context: QnAContext, model, logged: list[dict], sources: list[dict]
) -> Iterator[dict]:
    """The rest of an answer after the `logged` events' text, then stream_complete."""
    started = time.monotonic()
    if not any(event.get("type") == "stream_start" for event in logged):
        yield {"type": "stream_start"}
    delivered = answer_text(logged)
    messages = build_answer_messages(context)
    if delivered:
        messages += [AIMessage(delivered), HumanMessage(CONTINUE_ANSWER)]
    parts: list[str] = []
    try:
        for piece in stream_text(model, messages):
            if piece.text:
                parts.append(piece.text)
                yield MergeableText("qna_token", piece.text)
    except Exception as error:  # cancellation is a BaseException and passes through
        log.warning("Taken-over answer could not be continued: %s", type(error).__name__)
        yield ANSWER_ABORTED
        return
    answer = delivered + "".join(parts)
    if not answer.strip():
        yield ANSWER_ABORTED
        return
    yield {
        "type": "stream_complete",
        "answer": answer,
        "sources": sources,
        "elapsed_ms": round((time.monotonic() - started) * 1000),
        "usage": None,
        "taken_over": True,
    }
