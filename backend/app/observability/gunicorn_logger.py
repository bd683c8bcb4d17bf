"""gunicorn's logger with every line (error log and access log) redacted."""

from __future__ import annotations

from gunicorn.glogging import Logger

from backend.app.observability.dropped_clients import DroppedClientFilter
from backend.app.observability.redaction import RedactingFormatter, install_record_redaction


class RedactingGunicornLogger(Logger):
    """Logs like gunicorn's own, but stream tickets and tokens never reach the output."""

    def setup(self, cfg) -> None:
        """Install gunicorn's handlers, then wrap their formatters with redaction."""
        super().setup(cfg)
        install_record_redaction()
        self.error_log.addFilter(DroppedClientFilter())  # a send timeout is no error
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                fmt = handler.formatter
                handler.setFormatter(
                    RedactingFormatter(fmt._fmt if fmt else None, fmt.datefmt if fmt else None)
                )
