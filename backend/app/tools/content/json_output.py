"""Find the lesson blocks in a model's whole reply with the streaming splitter's grammar.

One grammar for both paths: the synchronous fallback accepts exactly the replies (prose,
fences, `{"blocks": [...]}`, a bare sequence) that the stream accepts, block for block.
"""

from __future__ import annotations

from typing import Any

from backend.app.streaming.block_splitter import BlockSplitter


def extract_block_list(text: str) -> list[dict[str, Any]]:
    """The block objects in `text`, in order, as the splitter finds them (may be empty)."""
    splitter = BlockSplitter()
    blocks = splitter.feed(text)
    blocks += splitter.close()
    return blocks
