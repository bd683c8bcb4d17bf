"""Take a model's lesson blocks in: validate, cut to the caps, count what was cut or skipped."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from backend.app.observability.metrics import STREAM_INVALID_BLOCKS, STREAM_TRIMMED_BLOCKS
from backend.app.tools.content.blocks import block_kind, check_block

log = logging.getLogger(__name__)

KIND = "theory"  # the metrics' `kind` label of lesson blocks, streamed or not


@dataclass
class BlockTally:
    """How many of a reply's blocks were skipped as invalid, and how many were cut."""

    skipped: int = 0
    trimmed: int = 0

    def add(self, other: BlockTally) -> None:
        """Count another reply's blocks in too."""
        self.skipped += other.skipped
        self.trimmed += other.trimmed


def count_unparsable(count: int, tally: BlockTally) -> None:
    """Blocks the splitter found but could not parse as JSON: skipped blocks too."""
    if count:
        tally.skipped += count
        STREAM_INVALID_BLOCKS.labels(KIND).inc(count)


def accept_blocks(raw_blocks: Iterable, tally: BlockTally) -> Iterator[dict]:
    """The usable blocks (cut to their caps where needed), in order; the rest is counted."""
    for raw in raw_blocks:
        checked = check_block(raw)
        if checked.block is None:
            tally.skipped += 1
            STREAM_INVALID_BLOCKS.labels(KIND).inc()
            continue
        if checked.cut_paths:
            tally.trimmed += 1
            kind = block_kind(checked.block)
            STREAM_TRIMMED_BLOCKS.labels(KIND, kind).inc()
            log.info("Cut the %s block to its size caps at %s", kind, ", ".join(checked.cut_paths))
        yield checked.block
