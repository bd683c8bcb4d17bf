"""The Redis client every part of the store shares, its key names and its Lua scripts.

Every check-then-write runs as one Lua script, so it is atomic on the server, as the
SQLite backend's IMMEDIATE transactions are. Scripts name their keys from the prefix they
are given: one Redis server (or primary), not Redis Cluster.
"""

from __future__ import annotations

import redis


class RedisParts:
    """Base of the store's parts: the shared client, the key prefix and the scripts."""

    _redis: redis.Redis
    _prefix: str
    _scripts: dict[str, object]

    def _key(self, *parts: str) -> str:
        """A key of this store: the prefix, then the parts joined by ':'."""
        return self._prefix + ":".join(parts)

    def _script(self, name: str, source: str):
        """A registered Lua script (sent by hash; loaded once per server)."""
        script = self._scripts.get(name)
        if script is None:
            script = self._scripts[name] = self._redis.register_script(source)
        return script


def milliseconds(seconds: float) -> int:
    """A TTL in whole milliseconds, at least one (Redis refuses zero or less)."""
    return max(1, round(seconds * 1000))
