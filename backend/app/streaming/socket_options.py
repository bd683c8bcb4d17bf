"""Turn off Nagle's algorithm on a streaming response's socket.

A stream writes many small pieces. With Nagle on, a piece written while the previous one
is still unacknowledged waits for the client's delayed ACK (about 40 ms on Linux), so two
events written back to back (say `stream_start` and the first token) arrive 40 ms apart.
gunicorn hands the connection's socket to the app as `gunicorn.socket`.
"""

from __future__ import annotations

import logging
import socket

log = logging.getLogger(__name__)


def send_small_writes_at_once(environ: dict) -> None:
    """Set TCP_NODELAY on the request's socket when the server exposes it."""
    sock = environ.get("gunicorn.socket")
    if sock is None or getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # the client is already gone; the stream will notice on its own
        log.debug("could not set TCP_NODELAY", exc_info=True)
