"""A loopback HTTP proxy that loses the response to a chosen request, once.

It forwards the request, reads the upstream's whole response, then closes the client's
connection without a reply: the client cannot tell whether its write happened.
"""

from __future__ import annotations

import http.client
import socket
import threading

# Hop-by-hop headers are the proxy's own business; the body is re-sent with a length.
SKIPPED_RESPONSE_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive"}


class DroppingProxy:
    """Forward to 127.0.0.1:`upstream_port`; drop the first response to `drop_target`."""

    def __init__(self, upstream_port: int, drop_target: str, drops: int = 1) -> None:
        self.upstream_port = upstream_port
        self.drop_target = drop_target
        self.drops_left = drops
        self.targets: list[str] = []  # the X-Amz-Target of every request seen, in order
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)  # accept() wakes up to notice the stop flag
        self._stopping = threading.Event()
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> DroppingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            connection.settimeout(None)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=10)
        with connection, connection.makefile("rb") as reader:
            while (request := _read_request(reader)) is not None:
                method, path, headers, body = request
                target = headers.get("x-amz-target", "")
                upstream.request(method, path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
                with self._lock:
                    self.targets.append(target)
                    drop = target == self.drop_target and self.drops_left > 0
                    if drop:
                        self.drops_left -= 1
                if drop:
                    return  # the write happened upstream; the client hears nothing
                connection.sendall(_response_bytes(response, payload))
        upstream.close()


def _read_request(reader) -> tuple[str, str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request from a keep-alive connection, or None at its end."""
    line = reader.readline()
    if not line.strip():
        return None
    method, path, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := reader.readline()) not in (b"\r\n", b"\n", b""):
        name, value = header.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return method, path, headers, body


def _response_bytes(response: http.client.HTTPResponse, payload: bytes) -> bytes:
    lines = [f"HTTP/1.1 {response.status} {response.reason}"]
    lines += [
        f"{name}: {value}"
        for name, value in response.getheaders()
        if name.lower() not in SKIPPED_RESPONSE_HEADERS
    ]
    lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
