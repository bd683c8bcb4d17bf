"""The Redis stream store: every part of a stream's shared state on one Redis (DESIGN 4.4).

Each part (tickets.py, run_log.py, coordination.py) implements Protocols of
streaming/protocols.py on the shared client; this class bundles them into one
StreamStore. Keys start with `prefix`, so several deployments (or tests) can share a
server. A ticket is stored only as its hash, as on SQLite.
"""

from __future__ import annotations

import uuid

import redis

from backend.app.streaming.redis.coordination import (
    RedisCurrentBlocks,
    RedisSubscriberCounts,
    RedisTakeoverClaims,
)
from backend.app.streaming.redis.run_log import RedisCancelMarks, RedisRunLeases, RedisRunLog
from backend.app.streaming.redis.tickets import RedisTickets


class RedisStreamStore(
    RedisTickets,
    RedisRunLog,
    RedisRunLeases,
    RedisCancelMarks,
    RedisSubscriberCounts,
    RedisTakeoverClaims,
    RedisCurrentBlocks,
):
    """Tickets, run logs and run coordination on Redis."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        max_events: int,
        retention_seconds: float,
        prefix: str = "tutor:stream:",
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._scripts = {}
        self.max_events = max_events
        self.retention_seconds = retention_seconds
        # This instance stands for its worker wherever counts are kept per worker.
        self._worker = uuid.uuid4().hex

    def ping(self) -> None:
        """Raise if Redis does not answer."""
        self._redis.ping()
