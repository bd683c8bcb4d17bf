"""One thread driving streams already running and a burst of lesson starts, for burst_starts.

Each burst learner is a POST session/start followed, as soon as its answer is in, by the
GET of its theory-stream: the way a browser opens a lesson. Every connection is read with
a selector and recorded with arrival times (light_client.Capture); nothing is parsed while
the streams run, except a POST's answer (for its ticket) and a cheap look for a learner's
first block (for the moment the burst is over).
"""

from __future__ import annotations

import json
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.light_client import Capture, http_request

START_PATH = "/api/v1/learning/session/start"
STREAM_PATH = "/api/v1/learning/theory-stream/{ticket}"
SSE_HEADERS = {"Accept": "text/event-stream"}


@dataclass
class Learner:
    """One learner of the burst: their start request, its answer and their stream."""

    token: str
    start: Capture = field(default_factory=Capture)
    stream: Capture = field(default_factory=Capture)
    first_block_seen: bool = False


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _ticket(capture: Capture) -> str:
    data = b"".join(piece for _, piece in capture.pieces)
    body = json.loads(data[data.index(b"\r\n\r\n") + 4 :])
    flow = body["data"]["workflow_response"]
    if not flow.get("streaming"):
        raise RuntimeError(f"session/start did not stream: {flow}")
    return flow["temp_session_id"]


class BurstClient:
    """Streams already running (`running` tickets), then at `burst_at` the burst of starts."""

    def __init__(
        self,
        port: int,
        running: list[str],
        learners: list[Learner],
        body: dict,
        on_burst: Callable[[str], None] = lambda moment: None,
    ):
        self.port = port
        # Told "sent" just before the burst goes out, "done" when the last first block is in.
        self._on_burst = on_burst
        self.running = [Capture() for _ in running]
        self.learners = learners
        self._selector = selectors.DefaultSelector()
        self._open = 0
        self._running_tickets = running
        self._running_opened = 0
        # Connected before the burst, so that the burst is the requests, not TCP handshakes.
        self._start_socks = [_connect(port) for _ in learners]
        self._body = body
        self._by_stream = {id(learner.stream): learner for learner in learners}
        self._all_running_at: float | None = None
        self.burst_sent_at = 0.0
        self.burst_done_at = 0.0

    def _watch(self, sock: socket.socket, request: bytes, capture: Capture, on_end) -> None:
        capture.sent_at = time.monotonic()
        sock.sendall(request)
        sock.setblocking(False)
        self._selector.register(sock, selectors.EVENT_READ, (capture, on_end))
        self._open += 1

    def _open_running_due(self, started: float, stagger: float) -> None:
        """Open the running tickets' streams, one every `stagger` seconds from `started`."""
        due = min(len(self.running), int((time.monotonic() - started) / stagger) + 1)
        for index in range(self._running_opened, due):
            ticket = self._running_tickets[index]
            request = http_request("GET", STREAM_PATH.format(ticket=ticket), SSE_HEADERS)
            self._watch(_connect(self.port), request, self.running[index], None)
        self._running_opened = max(self._running_opened, due)

    def send_burst(self) -> None:
        """Every learner's session/start at once."""
        requests = [
            http_request(
                "POST", START_PATH, {"Authorization": f"Bearer {learner.token}"}, self._body
            )
            for learner in self.learners
        ]
        self._on_burst("sent")
        self.burst_sent_at = time.monotonic()
        for sock, learner, request in zip(self._start_socks, self.learners, requests, strict=True):
            self._watch(sock, request, learner.start, self._start_answered(learner))

    def _start_answered(self, learner: Learner) -> Callable[[], None]:
        def open_stream() -> None:
            if learner.start.status() != 200:
                learner.start.error = learner.start.error or f"HTTP {learner.start.status()}"
                return
            path = STREAM_PATH.format(ticket=_ticket(learner.start))
            self._watch(
                _connect(self.port), http_request("GET", path, SSE_HEADERS), learner.stream, None
            )

        return open_stream

    def run(self, *, stagger: float, quiet_seconds: float, timeout: float) -> None:
        """Read everything to its end. The running streams open `stagger` seconds apart (so
        their blocks fall all through the burst); the burst goes out `quiet_seconds` after
        every one of them has shown its first block."""
        started = time.monotonic()
        deadline = started + timeout
        waiting = len(self.learners)
        self._open_running_due(started, stagger)
        while self._open and time.monotonic() < deadline:
            self._open_running_due(started, stagger)
            if not self.burst_sent_at and self._running_since(quiet_seconds):
                self.send_burst()
            for key, _ in self._selector.select(timeout=0.05):
                sock, (capture, on_end) = key.fileobj, key.data
                try:
                    piece = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as error:
                    piece, capture.error = b"", f"{type(error).__name__}: {error}"
                if piece:
                    capture.pieces.append((time.monotonic(), piece))
                    waiting -= self._first_block(capture, piece)
                    if waiting == 0 and not self.burst_done_at:
                        self.burst_done_at = time.monotonic()
                        self._on_burst("done")
                    continue
                self._selector.unregister(sock)
                sock.close()
                self._open -= 1
                if on_end is not None:
                    on_end()
        for key in list(self._selector.get_map().values()):
            key.data[0].error = key.data[0].error or "timed out"
            key.fileobj.close()
        self._selector.close()

    def _running_since(self, seconds: float) -> bool:
        if self._running_opened < len(self.running):
            return False
        if self._all_running_at is None:
            if all(any(b"theory_block" in p for _, p in c.pieces) for c in self.running):
                self._all_running_at = time.monotonic()
            return False
        return time.monotonic() - self._all_running_at >= seconds

    def _first_block(self, capture: Capture, piece: bytes) -> int:
        # Only a rough moment for the end of the burst; the figures come from parsed events.
        learner = self._by_stream.get(id(capture))
        if learner is None or learner.first_block_seen or b"theory_block" not in piece:
            return 0
        learner.first_block_seen = True
        return 1
