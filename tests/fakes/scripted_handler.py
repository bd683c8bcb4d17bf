"""The request handler that plays a Script over HTTP/1.1 for every fake provider."""

from __future__ import annotations

import contextlib
import json
import math
import select
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from tests.fakes.scripts import RequestRecord, Script

if TYPE_CHECKING:
    from tests.fakes.scripted_server import ScriptedServer

# How often paced or hanging answers look for a departed client or a stopping server.
POLL_SECONDS = 0.02


class ScriptedHandler(BaseHTTPRequestHandler):
    """Plays a Script over HTTP/1.1; subclasses route requests and shape provider JSON."""

    # HTTP/1.1 with chunked bodies: a cut stream is then an incomplete body to the
    # client, never a clean end of stream as it would be with HTTP/1.0.
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections give up after this long; stop() also cuts them.
    timeout = 30
    # Send each chunk when written, as a real provider does: with Nagle's algorithm the
    # first chunk waits for the ACK of the headers (the client's delayed ACK, ~40 ms).
    disable_nagle_algorithm = True

    # Provider hooks.

    def stream_events(self, record: RequestRecord, pieces: list[str], i: int) -> list[Any]:
        """SSE payloads (dicts or raw strings) carrying content chunk `i`."""
        raise NotImplementedError

    def tail_events(self, record: RequestRecord, pieces: list[str]) -> list[Any]:
        """SSE payloads sent after the last content chunk."""
        return []

    def full_response(self, record: RequestRecord, pieces: list[str]) -> dict[str, Any]:
        """The non-streaming answer body."""
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        """The provider's JSON error body."""
        raise NotImplementedError

    def split(self, script: Script) -> list[str]:
        """The content chunks to send."""
        return script.chunks()

    # Plumbing.

    @property
    def fake(self) -> ScriptedServer:
        """The server object holding scripts and records."""
        return self.server.fake  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.fake.track(self.connection, is_open=True)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            self.fake.track(self.connection, is_open=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def read_json(self) -> Any:
        """The request body parsed as JSON (None when absent or invalid)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def open_request(
        self, body: dict, *, model: Any, stream: bool, messages: list
    ) -> RequestRecord:
        """Record this request (with the next script) before it is served."""
        return self.fake.open_record(
            True,
            method="POST",
            path=self.path,
            headers=dict(self.headers.items()),
            body=body,
            model=model,
            stream=stream,
            messages=messages,
        )

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        """Send a complete JSON response."""
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def serve(self, record: RequestRecord) -> None:
        """Play the record's script and always mark the record finished."""
        outcome = "client_gone"
        try:
            outcome = self._play(record, record.script or Script())
        except OSError:  # the client left while a response was being written
            self._mark_gone(record)
        finally:
            self.fake.update(record, outcome=outcome, finished_at=time.monotonic(), finished=True)

    def _play(self, record: RequestRecord, script: Script) -> str:
        if script.hang:
            return self._hang(record)
        if not self._pause(record, script.first_token_delay):
            return self._interrupted(record)
        if script.status >= 400:
            headers = {}
            if script.retry_after_ms is not None:
                headers["retry-after-ms"] = str(script.retry_after_ms)
            self.fake.update(record, status=script.status)
            self.send_json(
                script.status, self.error_body(script.status, script.error_message), headers
            )
            return "error"
        pieces = self.split(script)
        if not record.stream:
            if script.drop_after is not None:
                return self._drop()
            if script.hang_after is not None:
                return self._hang(record)
            self.fake.update(record, status=200)
            self.send_json(200, self.full_response(record, pieces))
            self.fake.add_chunk(record, "".join(pieces))
            self.fake.update(record, completed=True)
            return "completed"
        return self._stream(record, script, pieces)

    def _stream(self, record: RequestRecord, script: Script, pieces: list[str]) -> str:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.fake.update(record, status=200)
        # A cut or stall past the last chunk still withholds the end of the stream.
        cut = min(script.drop_after, len(pieces)) if script.drop_after is not None else None
        stall = min(script.hang_after, len(pieces)) if script.hang_after is not None else None
        # Chunk i is due at the first chunk + i * chunk_delay: a writer that fell behind
        # catches up instead of pushing every later chunk back. Pacing each chunk from
        # the previous write let many streams of one fake drift into step and write in
        # bunches, which no set of independent upstreams does.
        first = time.monotonic()
        for i in range(len(pieces) + 1):
            if i == cut:
                return self._drop()
            if i == stall:
                return self._hang(record)
            if i == len(pieces):
                break
            if i and not self._pause_until(record, first + i * script.chunk_delay):
                return self._interrupted(record)
            if not self._send_events(record, self.stream_events(record, pieces, i)):
                return "client_gone"
            self.fake.add_chunk(record, pieces[i])
        # The tail ([DONE]) and the end of the chunked body go out in one write: a client
        # that closes right after [DONE] must not look like one that left mid-stream.
        if not self._write(
            record, self._events_chunk(self.tail_events(record, pieces)) + b"0\r\n\r\n"
        ):
            return "client_gone"
        self.fake.update(record, completed=True)
        return "completed"

    def _send_events(self, record: RequestRecord, events: list[Any]) -> bool:
        return not events or self._write(record, self._events_chunk(events))

    @staticmethod
    def _events_chunk(events: list[Any]) -> bytes:
        """SSE `data:` lines framed as one HTTP chunk (empty bytes for no events)."""
        if not events:
            return b""
        body = b"".join(
            b"data: " + (e if isinstance(e, str) else json.dumps(e)).encode() + b"\n\n"
            for e in events
        )
        return b"%x\r\n%s\r\n" % (len(body), body)

    def _write(self, record: RequestRecord, data: bytes) -> bool:
        # A write into a socket the peer has closed often succeeds once, so look first.
        if self._peer_closed():
            self._mark_gone(record)
            return False
        try:
            self.wfile.write(data)
        except OSError:
            self._mark_gone(record)
            return False
        return True

    def _pause(self, record: RequestRecord, seconds: float) -> bool:
        """Wait, watching the client and the server; False if either went away."""
        return self._pause_until(record, time.monotonic() + seconds)

    def _pause_until(self, record: RequestRecord, deadline: float) -> bool:
        """Wait until the monotonic `deadline`; False if the client or the server went away."""
        while True:
            if self.fake.stopping.is_set():
                self.close_connection = True
                return False
            if self._peer_closed():
                self._mark_gone(record)
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            self.fake.stopping.wait(min(remaining, POLL_SECONDS))

    def _hang(self, record: RequestRecord) -> str:
        self._pause(record, math.inf)
        self.close_connection = True
        return "hung"

    def _drop(self) -> str:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        return "dropped"

    def _interrupted(self, record: RequestRecord) -> str:
        return "client_gone" if record.client_gone else "stopped"

    def _peer_closed(self) -> bool:
        # While it awaits a response an HTTP client sends nothing, so a readable socket
        # that peeks empty means the client closed its end.
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _mark_gone(self, record: RequestRecord) -> None:
        self.close_connection = True
        if not record.client_gone:
            self.fake.update(record, client_gone_at=time.monotonic(), client_gone=True)
