"""Find the lesson blocks in a model's whole reply with the streaming splitter's grammar.

One grammar for both paths: the synchronous fallback accepts exactly the replies (prose,
fences, `{"blocks": [...]}`, a bare sequence) that the stream accepts, block for block.
"""

from __future__ import annotations

from typing import Any

from backend.app.streaming.block_splitter import BlockSplitter
from backend.app.tools.content.block_intake import BlockTally, count_unparsable


def extract_block_list(text: str, tally: BlockTally | None = None) -> list[dict[str, Any]]:
    """The block objects in `text`, in order, as the splitter finds them (may be empty).

    Blocks that are not valid JSON are left out, and counted in `tally` when one is given.
    """
    splitter = BlockSplitter()
    blocks = splitter.feed(text)
    blocks += splitter.close()
    if tally is not None:
        count_unparsable(splitter.skipped, tally)
    return blocks
