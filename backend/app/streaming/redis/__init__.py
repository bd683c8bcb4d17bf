"""The Redis stream store (DESIGN 4.4): every part of a stream's shared state on Redis."""

from backend.app.streaming.redis.store import RedisStreamStore

__all__ = ["RedisStreamStore"]
