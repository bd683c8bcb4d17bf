"""Many streaming HTTP requests from one thread, with almost no client CPU per event.

Threads running httpx cost the benchmarking process a few hundred microseconds of CPU per
event; with 100 streams at 50 events/s that alone needs about a core, and on a shared
2-core machine the clients' own delay ends up in the server's latency figures. Here one
thread drives every socket with a selector, records each received piece with its arrival
time (time.monotonic()), and parses nothing until the run is over.

Requests are HTTP/1.0, so the server streams the body without chunked encoding and
closes the connection at its end.
"""

from __future__ import annotations

import json
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def http_request(method: str, path: str, headers: dict[str, str], body: object = None) -> bytes:
    """The bytes of one HTTP/1.0 request (a JSON body when `body` is given)."""
    lines = [f"{method} {path} HTTP/1.0", "Host: 127.0.0.1"]
    payload = b""
    if body is not None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@dataclass
class Capture:
    """One response as it arrived: its pieces with their arrival times."""

    sent_at: float = 0.0
    pieces: list[tuple[float, bytes]] = field(default_factory=list)
    error: str | None = None

    def status(self) -> int | None:
        """The HTTP status code, once the status line arrived."""
        head = b"".join(piece for _, piece in self.pieces[:4])
        try:
            return int(head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            return None

    def items(self, separator: bytes) -> list[tuple[bytes, float]]:
        """The body split at `separator`, each item with the time its last byte arrived."""
        buffer, times = bytearray(), []
        for arrived, piece in self.pieces:
            buffer += piece
            times.append((len(buffer), arrived))
        data = bytes(buffer)
        header_end = data.find(b"\r\n\r\n")
        if header_end < 0:
            return []
        out, start, cursor = [], header_end + 4, 0
        while True:
            end = data.find(separator, start)
            if end < 0:
                return out
            stop = end + len(separator)
            while times[cursor][0] < stop:
                cursor += 1
            out.append((data[start:end], times[cursor][1]))
            start = stop


def run_requests(
    port: int,
    requests: list[bytes],
    *,
    timeout: float = 180.0,
    stop_when: Callable[[Capture], bool] | None = None,
) -> list[Capture]:
    """Send every request at once on its own connection and read each response to its end.

    With `stop_when`, a connection is closed as soon as its capture satisfies it (a client
    that leaves after what it came for), instead of at the end of the response.
    """
    selector = selectors.DefaultSelector()
    captures = [Capture() for _ in requests]
    pending = {}
    for index in range(len(requests)):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending[sock.fileno()] = (sock, index)
    for sock, index in pending.values():
        captures[index].sent_at = time.monotonic()
        sock.sendall(requests[index])
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, index)
    deadline = time.monotonic() + timeout
    open_count = len(pending)
    while open_count and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            sock, index = key.fileobj, key.data
            try:
                piece = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as error:
                piece, captures[index].error = b"", f"{type(error).__name__}: {error}"
            if piece:
                captures[index].pieces.append((time.monotonic(), piece))
                if stop_when is None or not stop_when(captures[index]):
                    continue
            selector.unregister(sock)
            sock.close()
            open_count -= 1
    for key in list(selector.get_map().values()):
        captures[key.data].error = captures[key.data].error or "timed out"
        key.fileobj.close()
    selector.close()
    return captures


def sse_events(capture: Capture) -> list[tuple[dict, float]]:
    """The data events of an SSE response with their arrival times."""
    events = []
    for frame, arrived in capture.items(b"\n\n"):
        data = [line[5:].strip() for line in frame.split(b"\n") if line.startswith(b"data:")]
        if data:
            events.append((json.loads(b"\n".join(data)), arrived))
    return events


def ndjson_lines(capture: Capture) -> list[tuple[dict, float]]:
    """The lines of an NDJSON response with their arrival times."""
    return [(json.loads(line), arrived) for line, arrived in capture.items(b"\n") if line.strip()]
