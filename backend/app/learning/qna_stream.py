"""The QnA answer run: one qna_token per model chunk, then stream_complete or stream_error."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from backend.app.agents.qna_resolver.context import QnAContext, build_answer_messages
from backend.app.llm.text_stream import stream_text
from backend.app.tools.content.theory_tools_chatgpt_stream import StreamStats

log = logging.getLogger(__name__)

FAILED = {
    "type": "stream_error",
    "code": "GENERATION_FAILED",
    "message": "The answer could not be generated.",
}


def produce_answer_events(ticket: str, context: QnAContext, model) -> Iterator[dict]:
    """stream_start, qna_token..., then stream_complete (the whole answer) or one stream_error."""
    started = time.monotonic()
    yield {"type": "stream_start", "temp_session_id": ticket}
    parts: list[str] = []
    stats = StreamStats()
    try:
        for piece in stream_text(model, build_answer_messages(context)):
            stats.add_usage(piece.usage)
            if piece.text:
                parts.append(piece.text)
                yield {"type": "qna_token", "text": piece.text}
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
    }
