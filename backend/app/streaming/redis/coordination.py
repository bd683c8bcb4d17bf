"""SubscriberCounts, TakeoverClaims and CurrentBlocks on Redis (DESIGN 4.2.3, 4.4).

Subscribers of a run are one hash (`subs:<run>`): per worker its count and, under
`<worker>:exp`, when that count lapses unless renewed, so a dead worker's subscribers
stop counting. A takeover claim is SET NX with an expiry; a current block one key that
is overwritten and expires.
"""

from __future__ import annotations

import json
import time

from backend.app.streaming.redis.connection import RedisParts, milliseconds

# Drop lapsed workers' counts, and count one more subscriber if there is room.
JOIN = """
local all = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #all, 2 do
  local field = all[i]
  if string.sub(field, -4) == ':exp' then
    local worker = string.sub(field, 1, -5)
    if tonumber(all[i + 1]) <= tonumber(ARGV[3]) then
      redis.call('HDEL', KEYS[1], worker, field)
    else
      live = live + tonumber(redis.call('HGET', KEYS[1], worker) or '0')
    end
  end
end
if live >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[1], ARGV[1] .. ':exp', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[6])
return 1
"""
LEAVE = """
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. ':exp')
  redis.call('SREM', KEYS[2], ARGV[2])
end
"""
RENEW = """
for _, run_id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local subs = ARGV[4] .. 'subs:' .. run_id
  if redis.call('HEXISTS', subs, ARGV[1]) == 1 then
    redis.call('HSET', subs, ARGV[1] .. ':exp', ARGV[2])
    redis.call('PEXPIRE', subs, ARGV[3])
  else
    redis.call('SREM', KEYS[1], run_id)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
"""


class RedisSubscriberCounts(RedisParts):
    """Live subscriptions per run, counted over every worker whose lease has not lapsed."""

    _worker: str  # this store instance: the worker whose subscriptions it counts

    def join(self, run_id: str, limit: int, ttl: float) -> bool:
        """Count one more subscriber of the run unless `limit` are live; True when counted."""
        now = time.time()
        keys = [self._key("subs", run_id), self._key("worker-subs", self._worker)]
        args = [self._worker, limit, repr(now), repr(now + ttl), milliseconds(ttl), run_id]
        return self._script("join", JOIN)(keys=keys, args=args) == 1

    def leave(self, run_id: str) -> None:
        """Count one subscriber of this worker less (never below zero)."""
        keys = [self._key("subs", run_id), self._key("worker-subs", self._worker)]
        self._script("leave", LEAVE)(keys=keys, args=[self._worker, run_id])

    def subscriber_count(self, run_id: str) -> int:
        """Live subscribers of the run, on every worker."""
        fields = {
            key.decode(): value
            for key, value in self._redis.hgetall(self._key("subs", run_id)).items()
        }
        now = time.time()
        return sum(
            int(count)
            for worker, count in fields.items()
            if not worker.endswith(":exp") and float(fields.get(f"{worker}:exp", 0)) > now
        )

    def renew_subscriptions(self, ttl: float) -> None:
        """Extend the lease of every subscription this worker holds (one round trip)."""
        args = [self._worker, repr(time.time() + ttl), milliseconds(ttl), self._prefix]
        self._script("renew_subs", RENEW)(keys=[self._key("worker-subs", self._worker)], args=args)


class RedisTakeoverClaims(RedisParts):
    """Which worker continues a run whose lease lapsed."""

    def claim_takeover(self, run_id: str, holder: str, lapse_key: str, ttl: float) -> bool:
        """True for exactly one claimant of (run_id, lapse_key) within `ttl` seconds."""
        key = self._key("takeover", run_id, lapse_key)
        return bool(self._redis.set(key, holder, nx=True, px=milliseconds(ttl)))


class RedisCurrentBlocks(RedisParts):
    """The text of the block each run is writing, for previews on every worker."""

    def set_current_blocks(self, records: dict[str, dict], ttl: float) -> None:
        """Replace the current-block record of each run, in one round trip."""
        if not records:
            return
        pipe = self._redis.pipeline(transaction=False)
        for run_id, record in records.items():
            data = json.dumps(record, ensure_ascii=False)
            pipe.set(self._key("block", run_id), data, px=milliseconds(ttl))
        pipe.execute()

    def current_blocks(self, run_ids: list[str]) -> dict[str, dict]:
        """The unexpired records of those runs, in one MGET."""
        if not run_ids:
            return {}
        found = self._redis.mget([self._key("block", run_id) for run_id in run_ids])
        return {
            run_id: json.loads(data) for run_id, data in zip(run_ids, found, strict=True) if data
        }
