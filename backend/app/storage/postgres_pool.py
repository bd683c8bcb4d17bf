"""A psycopg connection pool that fails fast while its database is down.

A plain pool makes every caller wait its full timeout for a connection that cannot come,
and the checkpointer serialises its callers behind one lock: during an outage each
queued request would wait its turn, then its timeout. Once a wait has timed out, this
pool refuses at once for a short while instead, unless its background workers, which
keep reconnecting, have a connection ready again.
Imported only where a Postgres pool is built (psycopg_pool is not loaded otherwise).
"""

from __future__ import annotations

from time import monotonic

from psycopg_pool import ConnectionPool, PoolTimeout

# How long after a timed-out wait requests are refused without waiting.
REFUSE_AFTER_TIMEOUT_SECONDS = 2.0


class FailFastPool(ConnectionPool):
    """A ConnectionPool whose `getconn` refuses at once for a while after a timeout."""

    _refuse_until = 0.0

    def getconn(self, timeout: float | None = None):
        """A connection, or PoolTimeout: at once if a wait timed out a moment ago and none is ready."""
        if monotonic() < self._refuse_until and not self.get_stats().get("pool_available"):
            raise PoolTimeout(f"no connection in pool {self.name!r}: the database is down")
        try:
            return super().getconn(timeout)
        except PoolTimeout:
            self._refuse_until = monotonic() + REFUSE_AFTER_TIMEOUT_SECONDS
            raise
