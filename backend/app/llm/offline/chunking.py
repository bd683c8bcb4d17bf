"""Deterministic split of a reply into token-sized pieces, and token estimates."""

from __future__ import annotations

import math

# Piece sizes cycle through this pattern: irregular like real tokens, yet reproducible.
_PIECE_SIZES = (2, 3, 1, 4, 2, 3, 3, 1, 2, 4, 1, 3)
# The pattern averages 2.4 characters per piece; estimates use the same ratio.
_CHARS_PER_TOKEN = sum(_PIECE_SIZES) / len(_PIECE_SIZES)


def split_pieces(text: str) -> list[str]:
    """Split text into consecutive pieces of 1-4 characters that concatenate to the text."""
    pieces: list[str] = []
    position = 0
    index = 0
    while position < len(text):
        size = _PIECE_SIZES[index % len(_PIECE_SIZES)]
        pieces.append(text[position : position + size])
        position += size
        index += 1
    return pieces


def estimate_tokens(text: str) -> int:
    """Return a rough token count for text (at least 1 for non-empty text)."""
    return math.ceil(len(text) / _CHARS_PER_TOKEN) if text else 0


def stream_seconds(piece_count: int, tokens_per_second: float) -> float:
    """Return the time a stream of ``piece_count`` pieces takes: one pause between pieces."""
    if tokens_per_second <= 0 or piece_count < 2:
        return 0.0
    return (piece_count - 1) / tokens_per_second
