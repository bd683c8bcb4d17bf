"""The readable text of a block still being written, for previews (DESIGN 4.2.3).

The text is the block's string values in document order, without the values of the keys
`block_type` and `type` (the whole value, whatever it is), joined by "\\n". A value that
has begun counts, even while empty, so the text only ever grows: an unfinished value
shows the characters decoded so far, and an escape (`\\n`, `\\u00e9`, a surrogate pair)
shows once it is whole. Keys, numbers, booleans and nulls never show.

The splitter feeds each block's raw text here as it captures it; every character is
looked at once (a run of plain string characters is taken in one slice), so the cost is
linear in the block's length, and reading `text` joins only what arrived since last time.
"""

from __future__ import annotations

import json
import re

EXCLUDED_KEYS = frozenset(("block_type", "type"))
SEPARATOR = "\n"

_STRING_STOP = re.compile(r'["\\]')
_SYNTAX = re.compile(r'["{}\[\]:,]')
REPLACEMENT = "\ufffd"


class BlockPreview:
    """One block attempt's text so far; `attempt` tells blocks (and retries) apart."""

    __slots__ = (
        "_containers", "_escape", "_excluded_at", "_expect_key", "_high", "_in_string", "_key",
        "_key_parts", "_parts", "_string_kind", "_text", "_values", "attempt", "block_type",
        "length",
    )  # fmt: skip

    def __init__(self, attempt: int) -> None:
        self.attempt = attempt
        self.block_type: str | None = None  # known once its value is whole
        self.length = 0  # code points of `text`
        self._text = ""
        self._parts: list[str] = []  # text not yet joined into `_text`
        self._values = 0
        self._containers: list[bool] = []  # True for an object, False for an array
        self._expect_key = False
        self._key = ""  # the last whole key of the innermost object
        self._key_parts: list[str] = []
        self._excluded_at = -1  # container depth where an excluded value began (-1: none)
        self._in_string = False
        self._string_kind = 0  # 0 key, 1 shown value, 2 hidden value, 3 the block_type value
        self._escape = ""  # an escape sequence read only in part
        self._high = ""  # a decoded high surrogate waiting for its low half

    @property
    def text(self) -> str:
        """The block's readable text so far."""
        if self._parts:
            self._text += "".join(self._parts)
            self._parts = []
        return self._text

    def feed(self, raw: str) -> None:
        """Read the next piece of the block's raw JSON text."""
        i, end = 0, len(raw)
        while i < end:
            if self._in_string:
                i = self._read_string(raw, i)
                continue
            match = _SYNTAX.search(raw, i)
            if match is None:
                return
            i = match.end()
            self._syntax(raw[i - 1])

    def _syntax(self, char: str) -> None:
        containers = self._containers
        if char == '"':
            self._open_string()
        elif char == "{" or char == "[":
            if self._excluded_at < 0 and self._value_is_excluded():
                self._excluded_at = len(containers)
            containers.append(char == "{")
            self._expect_key = char == "{"
        elif char == "}" or char == "]":
            if containers:
                containers.pop()
            if self._excluded_at == len(containers):
                self._excluded_at = -1
            self._expect_key = False
        elif char == ":":
            self._expect_key = False
        elif containers and containers[-1]:  # a comma in an object: a key comes next
            self._expect_key = True

    def _value_is_excluded(self) -> bool:
        containers = self._containers
        return bool(containers) and containers[-1] and self._key in EXCLUDED_KEYS

    def _open_string(self) -> None:
        self._in_string = True
        if self._containers and self._containers[-1] and self._expect_key:
            self._string_kind = 0
            self._key_parts = []
        elif self._excluded_at >= 0 or self._value_is_excluded():
            top_level = len(self._containers) == 1 and self._excluded_at < 0
            self._string_kind = 3 if top_level and self._key == "block_type" else 2
            self._key_parts = []
        else:
            self._string_kind = 1
            if self._values:
                self._append(SEPARATOR)
            self._values += 1

    def _read_string(self, raw: str, i: int) -> int:
        if self._escape:
            return self._read_escape(raw, i)
        match = _STRING_STOP.search(raw, i)
        stop = match.start() if match else len(raw)
        if stop > i:
            self._take(raw[i:stop])
        if match is None:
            return stop
        if raw[stop] == "\\":
            self._escape = "\\"
        else:
            self._close_string()
        return stop + 1

    def _read_escape(self, raw: str, i: int) -> int:
        """Gather an escape (two characters, or six for `u`), then decode it whole."""
        escape, end = self._escape, len(raw)
        while i < end and (len(escape) < 2 or (escape[1] == "u" and len(escape) < 6)):
            escape += raw[i]
            i += 1
        if len(escape) < 2 or (escape[1] == "u" and len(escape) < 6):
            self._escape = escape
            return i
        self._escape = ""
        char = _decode(escape)
        if "\ud800" <= char <= "\udbff":
            self._flush_high()
            self._high = char  # shown once its low half arrives
        elif "\udc00" <= char <= "\udfff":
            pair, self._high = self._high + char, ""
            joined = pair.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            self._take(joined if len(pair) == 2 else REPLACEMENT)
        else:
            self._take(char)
        return i

    def _flush_high(self) -> None:
        """A high surrogate no low one followed: it cannot be sent as UTF-8."""
        if self._high:
            self._high = ""
            self._take(REPLACEMENT)

    def _take(self, piece: str) -> None:
        if self._high:
            self._flush_high()
        kind = self._string_kind
        if kind == 1:
            self._append(piece)
        elif kind != 2:
            self._key_parts.append(piece)

    def _close_string(self) -> None:
        self._flush_high()
        self._in_string = False
        kind = self._string_kind
        if kind == 0:
            self._key = "".join(self._key_parts)
        elif kind == 3:
            self.block_type = "".join(self._key_parts)

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self.length += len(piece)


def _decode(escape: str) -> str:
    """The character of a whole escape (U+FFFD for one JSON refuses)."""
    try:
        return json.loads(f'"{escape}"')
    except ValueError:
        return REPLACEMENT
