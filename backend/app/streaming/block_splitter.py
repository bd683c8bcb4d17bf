"""Split a streamed lesson into its JSON block objects, each the moment its `}` arrives.

The model is asked for `[{"block_type": ..., "data": {...}}, ...]` but may put prose or a
```json fence before it, wrap it as `{"blocks": [...]}`, or forget the array. Where the
blocks begin is decided by these rules (JSON whitespace allowed between the tokens):

- an array starts at a `[` followed by `{"` (an object with a key) or by `]` (empty);
- a wrapper starts at a `{` whose first key is "blocks" and whose value starts with `[`;
- a bare sequence of blocks starts at a `{` whose first key is "block_type".

So prose such as "[참고]", "{예시}", "[1, 2]" or `{"note": 1}` before the JSON is skipped
(each candidate is given up within a few characters), while the literal text `[]` or
`[{"` in prose would be taken for the array. Inside the array, every element that is an
object is parsed with `json.loads` when it closes; other elements are ignored; a block
that fails to parse is counted in `skipped`. The array's `]` sets `complete`; all text
after it is ignored. A bare sequence ends at the first character that is not whitespace,
a comma or `{`, or at `close()` when no block is half-open; either sets `complete`.

Each character is scanned once (plus one `json.loads` of each finished block), and only
the unfinished block's text is kept. `\\uXXXX` escapes need no state of their own: the
character after a backslash is skipped, and hex digits are never structural. `preview`
reads the unfinished block's text as it is captured (block_preview.py), so the block
being written can be shown before it closes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from backend.app.streaming.block_preview import BlockPreview

_SEEK, _BODY, _DONE = 0, 1, 2

_SEEK_START = re.compile(r"[\[{]")
_STRING_STOP = re.compile(r'["\\]')
_STRUCTURAL = re.compile(r'[\[\]{}"]')
_BARE_GAP = re.compile(r"[^\s,]")
_WHITESPACE = frozenset(" \t\r\n")

# Whitespace-free openings that start the blocks, and every proper prefix of them.
_ARRAY_EMPTY, _ARRAY, _WRAPPER, _BARE = "[]", '[{"', '{"blocks":[', '{"block_type"'
_OPENINGS = frozenset((_ARRAY_EMPTY, _ARRAY, _WRAPPER, _BARE))
_PREFIXES = frozenset(o[:k] for o in _OPENINGS for k in range(1, len(o)))


class BlockSplitter:
    """Incremental splitter: feed text chunks, get each complete block dict once."""

    __slots__ = (
        "_bare", "_capturing", "_complete", "_depth", "_emitted", "_escape", "_in_string",
        "_mode", "_parts", "_pending", "_skipped", "_started", "preview",
    )  # fmt: skip

    def __init__(self) -> None:
        self._mode = _SEEK
        self._pending = ""  # a possible opening seen so far, whitespace dropped
        self._bare = False
        self._depth = 0  # nesting below the array's elements (or the bare sequence)
        self._in_string = False
        self._escape = False
        self._capturing = False
        self._parts: list[str] = []  # text of the block being read, in pieces
        self._emitted = 0
        self._skipped = 0
        self._complete = False
        self._started = 0  # block objects begun, valid or not
        self.preview: BlockPreview | None = None  # the unfinished block's readable text

    @property
    def blocks_emitted(self) -> int:
        """How many blocks have been returned so far."""
        return self._emitted

    @property
    def complete(self) -> bool:
        """Whether the block array (or bare sequence) was seen to its end."""
        return self._complete

    @property
    def skipped(self) -> int:
        """How many block objects closed but were not valid JSON."""
        return self._skipped

    def feed(self, text: str) -> list[dict[str, Any]]:
        """Scan one chunk; return the blocks it completed, in order."""
        # Fast path for most chunks of a long string: nothing in them can end it.
        if self._in_string and not self._escape and '"' not in text and "\\" not in text:
            if self._capturing:
                self._capture(text)
            return []
        out: list[dict[str, Any]] = []
        self._scan(text, out)
        return out

    def close(self) -> list[dict[str, Any]]:
        """End of stream: release the unfinished text; blocks are all emitted already."""
        if self._mode == _BODY and self._bare and self._depth == 0 and not self._in_string:
            self._complete = True
        self._mode = _DONE
        self._pending = ""
        self._parts = []
        self._in_string = self._capturing = False
        self.preview = None
        return []

    def _scan(self, text: str, out: list[dict[str, Any]]) -> None:
        position, end = 0, len(text)
        while position < end:
            if self._mode == _BODY:
                position = self._scan_body(text, position, out)
            elif self._mode == _SEEK:
                position = self._scan_seek(text, position, out)
            else:
                return

    def _scan_seek(self, text: str, i: int, out: list[dict[str, Any]]) -> int:
        pending, end = self._pending, len(text)
        while i < end:
            if not pending:
                match = _SEEK_START.search(text, i)
                if match is None:
                    return end
                pending, i = match.group(), match.end()
                continue
            char = text[i]
            i += 1
            # Whitespace is insignificant except inside the first key ('{"' and no closing quote).
            if char in _WHITESPACE and pending.count('"') != 1:
                continue
            candidate = pending + char
            if candidate in _PREFIXES:
                pending = candidate
            elif candidate in _OPENINGS:
                self._pending = ""
                self._open(candidate)
                return i
            else:
                # Not an opening: look again from its second character (a few at most).
                self._pending = ""
                self._scan(candidate[1:], out)
                if self._mode != _SEEK:
                    return i
                pending = self._pending
        self._pending = pending
        return end

    def _open(self, opening: str) -> None:
        if opening == _ARRAY_EMPTY:
            self._complete = True
            self._mode = _DONE
            return
        self._mode = _BODY
        self._bare = opening == _BARE
        if opening in (_ARRAY, _BARE):  # the opening text is the first block's beginning
            self._depth = 1
            self._in_string = opening == _ARRAY
            self._capturing = True
            self._parts = []
            self._begin_block()
            self._capture(opening[1:] if opening == _ARRAY else opening)

    def _scan_body(self, text: str, i: int, out: list[dict[str, Any]]) -> int:
        end = len(text)
        depth, in_string, escape, bare = self._depth, self._in_string, self._escape, self._bare
        start = i if self._capturing else -1  # where the open block's text begins in `text`
        while i < end:
            if in_string:
                if escape:
                    escape = False
                    i += 1
                    continue
                match = _STRING_STOP.search(text, i)
                if match is None:
                    i = end
                    break
                i = match.end()
                if text[i - 1] == '"':
                    in_string = False
                else:
                    escape = True
                continue
            if bare and depth == 0:
                match = _BARE_GAP.search(text, i)
                if match is None:
                    i = end
                    break
                if text[match.start()] != "{":
                    self._complete = True
                    self._mode = _DONE
                    i = end
                    break
            match = _STRUCTURAL.search(text, i)
            if match is None:
                i = end
                break
            i = match.end()
            char = text[i - 1]
            if char == '"':
                in_string = True
            elif char == "{" or char == "[":
                if depth == 0 and char == "{":
                    start = i - 1
                    self._begin_block()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0 and start >= 0:
                    self._emit(text[start:i], out)
                    start = -1
            elif char == "]":
                self._complete = True
                self._mode = _DONE
                break
        if start >= 0 and self._mode == _BODY:
            self._capture(text[start:i])
        self._capturing = start >= 0
        self._depth, self._in_string, self._escape = depth, in_string, escape
        return end if self._mode == _DONE else i

    def _begin_block(self) -> None:
        self._started += 1
        self.preview = BlockPreview(self._started)

    def _capture(self, piece: str) -> None:
        """Keep a piece of the unfinished block's text, and show it in its preview."""
        self._parts.append(piece)
        self.preview.feed(piece)

    def _emit(self, tail: str, out: list[dict[str, Any]]) -> None:
        self.preview = None
        parts = self._parts
        if parts:
            parts.append(tail)
            tail = "".join(parts)
            self._parts = []
        try:
            block = json.loads(tail)
        except (ValueError, RecursionError):
            self._skipped += 1
            return
        out.append(block)
        self._emitted += 1
