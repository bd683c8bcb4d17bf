"""RunCaps on Redis: MAX_CONCURRENT_RUNS_PER_USER counted across every host (DESIGN 4.4).

A user's slots are one sorted set (`caps:user:<user>`) of run ids scored by lease expiry
in milliseconds of the Redis server's clock, so hosts whose clocks drift still agree on
what has lapsed. `caps:run:<run>` names the user holding a run, so renew and release,
which know only run ids, find the set. Every check-then-write is one Lua script. Keys
outlive their lease by GRACE_MS only to be found by a late renewal (as a lapsed row
is, until someone sweeps it, in RunSlots); then Redis drops them by itself.
"""

from __future__ import annotations

import redis

from backend.app.errors import APIError
from backend.app.streaming.redis.connection import RedisParts, milliseconds
from backend.app.streaming.run_caps import DEFAULT_LEASE_SECONDS, CapsAnswers

# The same figures as the SQL backend (limits.run_slots), which streaming cannot import.
GRACE_MS = 3_600_000

# The server's clock in milliseconds; a script local every script below starts with.
NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""
# Sweep the user's lapsed slots; a run id holding a live slot is a conflict (-1); a full
# cap refuses (0); else take the slot (1).
ACQUIRE = (
    NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local holder = redis.call('GET', KEYS[2])
if holder then
  local score = redis.call('ZSCORE', ARGV[4] .. 'user:' .. holder, ARGV[1])
  if score and tonumber(score) > now then return -1 end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
local lease = tonumber(ARGV[5])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', math.max(lease, 0) + tonumber(ARGV[6]))
redis.call('PEXPIRE', KEYS[1], math.max(lease, 0) + tonumber(ARGV[6]), 'GT')
redis.call('PEXPIRE', KEYS[1], math.max(lease, 0) + tonumber(ARGV[6]), 'NX')
return 1
"""
)
# Push forward the leases of the named runs that still hold a slot (lapsed or not).
RENEW = (
    NOW
    + """
local lease = tonumber(ARGV[2])
local keep = lease + tonumber(ARGV[3])
for i = 4, #ARGV do
  local run = ARGV[1] .. 'run:' .. ARGV[i]
  local holder = redis.call('GET', run)
  if holder then
    local slots = ARGV[1] .. 'user:' .. holder
    if redis.call('ZSCORE', slots, ARGV[i]) then
      redis.call('ZADD', slots, now + lease, ARGV[i])
      redis.call('PEXPIRE', run, keep)
      redis.call('PEXPIRE', slots, keep, 'GT')
    end
  end
end
"""
)
RELEASE = """
local holder = redis.call('GET', KEYS[1])
if holder then
  redis.call('ZREM', ARGV[1] .. 'user:' .. holder, ARGV[2])
  redis.call('DEL', KEYS[1])
end
"""
RUNNING = (
    NOW
    + """
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
"""
)


class RedisRunCaps(CapsAnswers, RedisParts):
    """Acquire, renew and release a user's run slots atomically across hosts."""

    def __init__(self, client: redis.Redis, cap: int, *, prefix: str = "tutor:caps:") -> None:
        self._redis = client
        self._prefix = prefix
        self._scripts = {}
        self.cap = cap

    def try_acquire(
        self, user_id: str, run_id: str, kind: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> bool:
        """Take a slot for `run_id`; False when the user already runs `cap` generations.

        A `run_id` that is already running (say, a second turn of one session) is a 409.
        """
        keys = [self._key("user", user_id), self._key("run", run_id)]
        lease_ms = round(lease_seconds * 1000)
        args = [run_id, user_id, self.cap, self._prefix, lease_ms, GRACE_MS]
        taken = self._script("acquire", ACQUIRE)(keys=keys, args=args)
        if taken == -1:
            raise APIError(409, "CONFLICT", "This is already running. Wait for it to finish.")
        return taken == 1

    def renew(self, run_ids: list[str], lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        """Extend the leases of runs that are still working (one round trip for all)."""
        if run_ids:
            args = [self._prefix, milliseconds(lease_seconds), GRACE_MS, *run_ids]
            self._script("renew", RENEW)(keys=[], args=args)

    def release(self, run_id: str) -> None:
        """Free the slot (idempotent)."""
        self._script("release", RELEASE)(
            keys=[self._key("run", run_id)], args=[self._prefix, run_id]
        )

    def running(self, user_id: str) -> int:
        """How many unexpired runs the user has."""
        return self._script("running", RUNNING)(keys=[self._key("user", user_id)])
