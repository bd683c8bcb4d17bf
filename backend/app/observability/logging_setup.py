"""Process-wide logging: one stderr handler, redacted, at LOG_LEVEL."""

from __future__ import annotations

import logging
import sys

from backend.app.observability.redaction import RedactingFormatter, install_record_redaction

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Send every logger's records through one redacting handler (idempotent)."""
    install_record_redaction()
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not any(getattr(h, "_tutor_handler", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler._tutor_handler = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for handler in root.handlers:
        handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    # httpx logs every upstream URL at INFO; keep it at WARNING to avoid noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic narrates every start-up of every worker at INFO.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # bm25s reports each index build at DEBUG on its own logger level.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
