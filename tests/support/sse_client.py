"""A small synchronous Server-Sent Events client over httpx, for tests.

Parsing follows the SSE spec (HTML Living Standard, 9.2.6): the body is UTF-8, lines end
in CRLF, LF or CR, a line starting with ":" is a comment, `field: value` lines fill the
event being built and a blank line dispatches it. Two deviations suit tests: `id` is the
id line of that very event (None without one, instead of the inherited last event id),
and comments are returned as items so heartbeats can be observed.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SSEItem:
    """One dispatched event (`data` set) or one comment line (`comment` set)."""

    id: int | None
    data: dict[str, Any] | None
    comment: str | None
    event: str | None = None
    # time.monotonic() when the item was parsed.
    at: float = 0.0

    @property
    def type(self) -> str | None:
        """The `type` of the event's JSON payload (None for comments)."""
        return self.data.get("type") if self.data else None


class SSEItems(list):
    """The items of one response, in arrival order, plus the response's status and headers."""

    def __init__(self) -> None:
        super().__init__()
        self.status_code = 0
        self.headers = httpx.Headers()
        self.body = ""  # the raw body when the response was not an event stream

    @property
    def events(self) -> list[SSEItem]:
        """Only the data events."""
        return [item for item in self if item.data is not None]

    @property
    def comments(self) -> list[str]:
        """Only the comment lines' text."""
        return [item.comment for item in self if item.comment is not None]


class SSEParser:
    """Incremental parser: feed decoded text, get the items completed so far."""

    def __init__(self) -> None:
        self._pending = ""
        self._reset()

    def _reset(self) -> None:
        self._data: list[str] = []
        self._id: int | None = None
        self._event: str | None = None

    def feed(self, text: str) -> Iterator[SSEItem]:
        """Items completed by `text` (a trailing CR waits: it may be half of a CRLF)."""
        self._pending += text
        while True:
            match = _LINE_END.search(self._pending)
            if match is None or (match.group() == "\r" and match.end() == len(self._pending)):
                return
            line, self._pending = self._pending[: match.start()], self._pending[match.end() :]
            item = self._line(line)
            if item is not None:
                yield item

    def close(self) -> Iterator[SSEItem]:
        """At the end of the body: a trailing CR ends its line; an unfinished event is dropped."""
        if self._pending.endswith("\r"):
            yield from self.feed("\n")
        self._pending = ""
        self._reset()

    def _line(self, line: str) -> SSEItem | None:
        now = time.monotonic()
        if not line:
            if not self._data:
                self._reset()
                return None
            data = json.loads("\n".join(self._data))
            item = SSEItem(self._id, data, None, self._event, now)
            self._reset()
            return item
        if line.startswith(":"):
            return SSEItem(None, None, line[1:].removeprefix(" "), None, now)
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = int(value)
        elif name == "event":
            self._event = value
        return None  # `retry` and unknown fields are ignored


def read_events(
    url: str,
    headers: dict[str, str] | None = None,
    *,
    stop_after: int | None = None,
    on_item: Callable[[SSEItem], bool | None] | None = None,
    timeout: float = 30.0,
    client: httpx.Client | None = None,
) -> SSEItems:
    """GET `url` and read its events until the server ends the body.

    `stop_after=N` closes the connection after N data events (a client that goes away);
    `on_item` sees each item as it arrives and stops the same way by returning True.
    `timeout` bounds each read and the whole call (httpx.ReadTimeout / TimeoutError).
    Pass `client` to send on its (kept-alive) connection instead of a fresh one.
    """
    items = SSEItems()
    deadline = time.monotonic() + timeout
    own = client is None
    http = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0)) if own else client
    try:
        with http.stream("GET", url, headers=headers or {}, timeout=timeout) as response:
            items.status_code, items.headers = response.status_code, response.headers
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                items.body = response.read().decode("utf-8", "replace")
                return items
            parser = SSEParser()
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            for raw in response.iter_bytes():
                for item in parser.feed(decoder.decode(raw)):
                    items.append(item)
                    stop = on_item(item) if on_item is not None else False
                    if stop or (stop_after is not None and len(items.events) >= stop_after):
                        return items  # leaving the block closes the response mid-body
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the stream was still open after {timeout} s: {items}")
            items.extend(parser.feed(decoder.decode(b"", final=True)))
            items.extend(parser.close())
    finally:
        if own:
            http.close()
    return items


def app_events(client, path: str, **headers: str) -> list[tuple[int | None, dict]]:
    """GET an SSE endpoint through a Flask test client: `(id, data)` of each data event."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    parser = SSEParser()
    items = [*parser.feed(response.get_data(as_text=True)), *parser.close()]
    return [(item.id, item.data) for item in items if item.data is not None]
