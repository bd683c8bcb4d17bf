"""Checks on a parsed JSON document: how deep it nests, and what cannot be encoded back."""

from __future__ import annotations

import math
from dataclasses import dataclass

Location = list[str]


@dataclass(frozen=True)
class Unencodable:
    """Where a document holds what no JSON response could carry, and what it is."""

    loc: Location
    msg: str
    type: str


def depth(document: object) -> int:
    """Nesting depth of a JSON document, computed without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def first_unencodable(document: object) -> Unencodable | None:
    """The first string with a lone surrogate (in a value or a key) or non-finite number.

    Python's parser accepts `"\\ud800"` and `1e999`, but neither can be written back as
    UTF-8 JSON: an error that echoed them, or a value stored and served later, would
    fail while the response is encoded. Locations name only keys already checked.
    """
    stack: list[tuple[object, Location]] = [(document, [])]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, dict):
            for key in node:
                if not _encodable(key):
                    return Unencodable(loc, "Keys must be valid Unicode text.", "unicode_key")
            stack.extend((child, [*loc, key]) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((child, [*loc, str(i)]) for i, child in reversed(list(enumerate(node))))
        elif isinstance(node, str) and not _encodable(node):
            return Unencodable(loc, "Text must be valid Unicode (no lone surrogates).", "unicode")
        elif isinstance(node, float) and not math.isfinite(node):
            return Unencodable(loc, "Numbers must be finite.", "finite_number")
    return None


def _encodable(text: str) -> bool:
    # Lone surrogates are the only str values UTF-8 refuses.
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
