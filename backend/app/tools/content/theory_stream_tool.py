"""The streaming lesson tool: the same prompt as the synchronous tool, blocks as they close."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.llm.text_stream import stream_text
from backend.app.streaming.block_preview import BlockPreview
from backend.app.streaming.block_splitter import BlockSplitter
from backend.app.tools.content.block_intake import BlockTally, accept_blocks, count_unparsable
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import build_lesson_messages

log = logging.getLogger(__name__)


@dataclass
class StreamStats:
    """What the stream told us besides blocks: token usage, completeness, blocks cut or skipped."""

    usage: dict | None = None
    complete: bool = False
    blocks: BlockTally = field(default_factory=BlockTally)

    def add_usage(self, usage: dict | None) -> None:
        """Sum the token counts a provider reports (often only on the last chunk)."""
        if not usage:
            return
        total = self.usage or {}
        for key in ("input_tokens", "output_tokens", "total_tokens"):
            total[key] = total.get(key, 0) + int(usage.get(key) or 0)
        self.usage = total


def theory_streaming_generation_tool(
    context: LessonContext, model: BaseChatModel, stats: StreamStats
) -> Iterator[dict | BlockPreview]:
    """Validated blocks (unnumbered), each yielded the moment its closing brace arrives.

    Between them, the `BlockPreview` of each block as the model begins it: its text grows
    in place as the stream goes on (no item per chunk), for previews (DESIGN 4.2.3).
    `stats.complete` stays False when the model stopped before closing the array: the
    caller must never report such a stream as complete.
    """
    splitter = BlockSplitter()
    shown, asked_at, text_seen = None, time.monotonic(), False
    for piece in stream_text(model, build_lesson_messages(context)):
        stats.add_usage(piece.usage)
        if piece.text:
            yield from accept_blocks(splitter.feed(piece.text), stats.blocks)
            if splitter.preview is not shown:
                shown = splitter.preview
                if shown is not None:
                    yield shown
            if not text_seen and (splitter.blocks_emitted or (shown and shown.length)):
                text_seen = True
                _log_first_text(asked_at)
    yield from accept_blocks(splitter.close(), stats.blocks)
    count_unparsable(splitter.skipped, stats.blocks)
    stats.complete = splitter.complete


def _log_first_text(asked_at: float) -> None:
    """When the model wrote the lesson's first readable character (the seed's TTFT of text)."""
    log.info(
        "lesson stream first_text_at=%.3f first_text_ms=%d",
        time.time(), (time.monotonic() - asked_at) * 1000,
    )  # fmt: skip
