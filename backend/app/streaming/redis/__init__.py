"""The Redis stream store (DESIGN 4.4): every part of a stream's shared state on Redis,
and the run caps beside it."""

from backend.app.streaming.redis.run_caps import RedisRunCaps
from backend.app.streaming.redis.store import RedisStreamStore

__all__ = ["RedisRunCaps", "RedisStreamStore"]
