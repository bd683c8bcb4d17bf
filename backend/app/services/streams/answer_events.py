"""The QnA answer run: qna_token text as it comes, then stream_complete or stream_error.

Each model chunk's text is a mergeable event: the runner writes the pieces of one loop
turn as one qna_token (and, late in a long answer, fewer still), so that an answer never
ends on the run log's cap; the texts still concatenate to exactly the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from backend.app.agents.qna_resolver.context import QnAContext, build_answer_messages
from backend.app.llm.limits import TOKEN_LIMIT_MESSAGE, OutputTokenLimitReached
from backend.app.llm.text_stream import stream_text
from backend.app.streaming.events import stream_error
from backend.app.streaming.text_events import MergeableText
from backend.app.tools.content.theory_stream_tool import StreamStats

log = logging.getLogger(__name__)

FAILED = stream_error("GENERATION_FAILED", "The answer could not be generated.")


def produce_answer_events(context: QnAContext, model) -> Iterator[dict]:
    """stream_start, qna_token..., then stream_complete (the whole answer) or one stream_error."""
    started = time.monotonic()
    yield {"type": "stream_start"}  # subscribers add the ticket as they serve it
    parts: list[str] = []
    stats = StreamStats()
    try:
        for piece in stream_text(model, build_answer_messages(context)):
            stats.add_usage(piece.usage)
            if piece.text:
                parts.append(piece.text)
                yield MergeableText("qna_token", piece.text)
    except OutputTokenLimitReached:
        log.warning("Answer stopped at the output token limit after %d pieces", len(parts))
        yield stream_error("GENERATION_FAILED", TOKEN_LIMIT_MESSAGE)
        return
    except Exception as error:  # cancellation is a BaseException and passes through
        log.warning("Answer stream failed after %d tokens: %s", len(parts), type(error).__name__)
        yield FAILED
        return
    answer = "".join(parts)
    if not answer.strip():
        yield FAILED
        return
    yield {
        "type": "stream_complete",
        "answer": answer,
        "sources": context.sources(),
        "elapsed_ms": round((time.monotonic() - started) * 1000),
        "usage": stats.usage,
        "taken_over": False,  # True only when another worker or host continued the run
    }


def answer_text(events: list[dict]) -> str:
    """The answer text a run's events delivered, in order."""
    return "".join(event["text"] for event in events if event.get("type") == "qna_token")
