"""Socket options of a streaming response: small writes at once, and a send timeout.

A stream writes many small pieces. With Nagle's algorithm on, a piece written while the
previous one is still unacknowledged waits for the client's delayed ACK (about 40 ms on
Linux), so two events written back to back (say `stream_start` and the first token)
arrive 40 ms apart.

gunicorn's gevent sockets have no timeout, so a client that stops reading (its receive
window full) held the response's greenlet, its socket and, for a problem stream, the
upstream model response forever. With a timeout, a write that waits longer than that
raises: gunicorn drops the connection and closes the response body, which ends what the
stream holds (a problem's model call and run slot; a lesson's or answer's run goes on,
decoupled from the connection, within its deadline). The timeout also bounds reads on
that connection, which a stream does not make.

gunicorn hands the connection's socket to the app as `gunicorn.socket`.
"""

from __future__ import annotations

import logging
import socket

log = logging.getLogger(__name__)


def prepare_stream_socket(environ: dict, send_timeout: float) -> None:
    """Set TCP_NODELAY and a send timeout on the request's socket when the server exposes it."""
    sock = environ.get("gunicorn.socket")
    if sock is None or getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(send_timeout)
    except OSError:  # the client is already gone; the stream will notice on its own
        log.debug("could not set the stream's socket options", exc_info=True)
