"""The fake servers' shared core: scripted answers, request records, a threaded HTTP server."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.fakes.scripts import RequestRecord, Script, SentChunk


class ScriptBook:
    """The scripted answers and the request records of one fake server, safe across threads."""

    def __init__(self, default: Script | int | str | None = None):
        self._cond = threading.Condition()
        self._queue: deque[tuple[int, Script]] = deque()
        self._scripted = 0
        self._default = Script() if default is None else Script.coerce(default)
        self._records: list[RequestRecord] = []

    # Scripting

    def script(self, *items: Script | int | str) -> None:
        """Queue answers; each request takes the next one (a status code or text also works)."""
        with self._cond:
            for item in items:
                self._queue.append((self._scripted, Script.coerce(item)))
                self._scripted += 1

    def script_many(self, items: Iterable[Script | int | str]) -> None:
        """Queue several answers in order."""
        self.script(*items)

    def set_default(self, item: Script | int | str) -> None:
        """The answer used when the queue is empty."""
        with self._cond:
            self._default = Script.coerce(item)

    @property
    def pending(self) -> int:
        """How many queued answers no request has taken yet."""
        with self._cond:
            return len(self._queue)

    def reset(self) -> None:
        """Forget queued answers, the default and all records (for shared servers)."""
        with self._cond:
            self._queue.clear()
            self._scripted = 0
            self._default = Script()
            self._records.clear()

    # Recording

    @property
    def requests(self) -> list[RequestRecord]:
        """Records of every request so far, in arrival order."""
        with self._cond:
            return list(self._records)

    def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = ""
    ) -> None:
        """Block until `predicate()` holds (rechecked on each record change), else TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                seen = [(r.index, r.path, r.outcome, r.client_gone) for r in self._records]
                raise TimeoutError(f"fake server: {what or 'condition'} not met; saw {seen}")

    def wait_for_requests(self, count: int = 1, timeout: float = 5.0) -> list[RequestRecord]:
        """Wait until `count` requests have arrived; return all records."""
        self.wait_until(lambda: len(self._records) >= count, timeout, f"{count} requests")
        return self.requests

    def wait_for_finished(self, count: int = 1, timeout: float = 5.0) -> list[RequestRecord]:
        """Wait until `count` requests have been fully handled; return all records."""
        done = lambda: sum(r.finished for r in self._records) >= count  # noqa: E731
        self.wait_until(done, timeout, f"{count} finished requests")
        return self.requests

    # Used by the handlers, always under the lock so waiters see consistent records.

    def open_record(self, scripted: bool, **fields: Any) -> RequestRecord:
        """Take the next script (if `scripted`) and register a new record."""
        with self._cond:
            script, script_index = None, None
            if scripted and self._queue:
                script_index, script = self._queue.popleft()
            elif scripted:
                script = self._default
            now = (time.monotonic(), time.time())
            record = RequestRecord(
                index=len(self._records),
                script=script,
                script_index=script_index,
                received_at=now[0],
                received_wall=now[1],
                **fields,
            )
            self._records.append(record)
            self._cond.notify_all()
            return record

    def update(self, record: RequestRecord, **fields: Any) -> None:
        """Set record fields in the given order and wake the waiters."""
        with self._cond:
            for name, value in fields.items():
                setattr(record, name, value)
            self._cond.notify_all()

    def add_chunk(self, record: RequestRecord, text: str) -> None:
        """Record a chunk that was just written."""
        with self._cond:
            record.chunks.append(SentChunk(text, time.monotonic(), time.time()))
            self._cond.notify_all()


class ScriptedServer(ScriptBook):
    """A scripted HTTP server in a daemon thread; subclasses set the provider's handler."""

    handler_class: type[BaseHTTPRequestHandler]

    def __init__(self, default: Script | int | str | None = None, *, host: str = "127.0.0.1"):
        super().__init__(default)
        self._host = host
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Bind a free port and serve in a daemon thread."""
        httpd = _HTTPServer((self._host, 0), self.handler_class)
        httpd.fake = self
        self._httpd = httpd
        self.stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=type(self).__name__,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: hanging and paced answers end and open connections are cut."""
        if self._httpd is None:
            return
        self.stopping.set()
        self._httpd.shutdown()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        # Handlers notice the stop on their next poll; wait so records are final after stop().
        with self._cond:
            self._cond.wait_for(lambda: all(r.finished for r in self._records), timeout=2)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port bound by start()."""
        if self._httpd is None:
            raise RuntimeError("The fake server is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Root URL of the server, without any API prefix."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The URL a client SDK is configured with."""
        return self.url

    def track(self, connection: socket.socket, *, is_open: bool) -> None:
        """Remember open connections so stop() can cut them."""
        with self._connections_lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # stop() must not wait for handlers that are still pacing or hanging.
    block_on_close = False
    request_queue_size = 128
    fake: ScriptedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on idle keep-alive connections is normal, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)
