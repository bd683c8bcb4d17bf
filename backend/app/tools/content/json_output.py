"""Find the JSON block array in a model's whole reply (fences, prose and wrappers allowed)."""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder()


def extract_block_list(text: str) -> list[Any] | None:
    """The first JSON array of blocks in `text` (bare, or as `{"blocks": [...]}`), else None."""
    position = 0
    while True:
        starts = [i for i in (text.find("[", position), text.find("{", position)) if i >= 0]
        if not starts:
            return None
        start = min(starts)
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except ValueError:
            position = start + 1
            continue
        if isinstance(value, list):
            return value
        if isinstance(value, dict) and isinstance(value.get("blocks"), list):
            return value["blocks"]
        if isinstance(value, dict) and "block_type" in value:
            return [value]
        position = start + 1
