"""Fit a model's data to a schema's size caps: cut long lists and strings, keep the rest.

Models asked for examples happily write forty of them. A block whose only faults are size
caps (`max_length` on a list or a string) is worth keeping cut to the caps; anything else
(a wrong type, a missing field) still makes it invalid. The caps are read from pydantic's
own validation errors, so every schema gets this without naming a field here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError

T = TypeVar("T")

# pydantic-core's error types for a value over its `max_length` (lists, dicts; strings).
_SIZE_ERRORS = frozenset({"too_long", "string_too_long"})
# A long list hides its items' errors until it is cut, so a fit can take a few rounds;
# each round cuts at least one value, and schemas are only a few levels deep.
_MAX_ROUNDS = 8
# A boundary this far into the cap is worth cutting at; earlier, cut mid-word instead.
_BOUNDARY_FLOOR = 0.6
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)")
ELLIPSIS = "…"


def fit_to_caps(validate: Callable[[Any], T], raw: Any) -> tuple[T, list[str]]:
    """`validate(raw)`, after cutting what breaks only a size cap; and the paths it cut.

    Valid data passes untouched (an empty list of paths). Raises the ValidationError
    when any fault is not a size cap, or a cut value cannot be found in `raw`.
    """
    data, cut_paths = raw, []
    for _ in range(_MAX_ROUNDS):
        try:
            return validate(data), cut_paths
        except ValidationError as error:
            faults = error.errors(include_url=False)
            if any(fault["type"] not in _SIZE_ERRORS for fault in faults):
                raise
            if data is raw:
                data = copy.deepcopy(raw)  # the caller's value stays as the model wrote it
            # Deepest first: a list cut first could drop an item that a later fault names.
            for fault in sorted(faults, key=lambda f: len(f["loc"]), reverse=True):
                limit = (fault.get("ctx") or {}).get("max_length")
                if not isinstance(limit, int) or not _cut(data, fault["loc"], limit):
                    raise
                cut_paths.append(".".join(map(str, fault["loc"])))
    return validate(data), cut_paths


def _cut(data: Any, loc: tuple, limit: int) -> bool:
    """Cut the value at `loc` in place to `limit` items or characters; False if not found."""
    parent, key = _locate(data, loc)
    if parent is None:
        return False
    value = parent[key]
    if isinstance(value, str):
        parent[key] = cut_text(value.strip(), limit)
    elif isinstance(value, list):
        del value[limit:]
    elif isinstance(value, dict):
        for extra in list(value)[limit:]:
            del value[extra]
    else:
        return False
    return True


def _locate(data: Any, loc: tuple) -> tuple[Any, Any]:
    """The container holding the value at `loc`, and its key (None, None when absent).

    A tagged union puts its tag into `loc` (`("examples", "items")`) although the data
    has no such key: a step that is not a key of the current dict is that tag, skipped.
    """
    parent, key, node = None, None, data
    for step in loc:
        if _has(node, step):
            parent, key, node = node, step, node[step]
        elif not (isinstance(node, dict) and isinstance(step, str)):
            return None, None
    return parent, key


def _has(node: Any, step: Any) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def cut_text(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a sentence or a word when one is near."""
    if len(text) <= limit:
        return text
    floor = int(limit * _BOUNDARY_FLOOR)
    # One character past the cap shows whether a full stop at the cap ends a sentence.
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text[: limit + 1])]
    sentence_ends = [end for end in sentence_ends if end <= limit]
    if sentence_ends and sentence_ends[-1] >= floor:
        return text[: sentence_ends[-1]]
    room = limit - len(ELLIPSIS)
    space = text.rfind(" ", 0, room + 1)
    end = space if space >= floor else room
    return text[:end].rstrip() + ELLIPSIS
