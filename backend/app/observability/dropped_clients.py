"""One plain line, not a traceback, for a streaming client dropped by the send timeout.

A write to a client that stopped reading times out (STREAM_SEND_TIMEOUT_SECONDS), and
gunicorn reports any socket error other than a reset or a broken pipe as "Socket error
processing request." with the whole traceback. Dropping such a client is the intended
outcome, so that report becomes one informational line.
"""

from __future__ import annotations

import logging

GUNICORN_SOCKET_ERROR = "Socket error processing request."
DROPPED = "Dropped a client that stopped reading (send timeout)."


class DroppedClientFilter(logging.Filter):
    """Rewrites gunicorn's report of a timed-out write as one INFO line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record; a send timeout's loses its traceback and its ERROR level."""
        error = record.exc_info[1] if record.exc_info else None
        if record.msg == GUNICORN_SOCKET_ERROR and isinstance(error, TimeoutError):
            record.msg, record.args = DROPPED, ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True
