"""One log line per outage, not one per retry, for loops that retry a failing store."""

from __future__ import annotations

import logging


class OutageLog:
    """Logs the first failure of a run of failures (with its traceback) and the recovery."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self._failures = 0

    def failed(self) -> None:
        """Call from an `except` block: logs only the first failure in a row."""
        self._failures += 1
        if self._failures == 1:
            self._log.warning(
                "%s failed; retrying quietly until it works", self._what, exc_info=True
            )

    def succeeded(self) -> None:
        """Call after a success: says once that the failures are over."""
        if self._failures:
            self._log.warning("%s works again after %d failed tries", self._what, self._failures)
            self._failures = 0
