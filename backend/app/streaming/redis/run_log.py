"""RunLog, RunLeases and CancelMarks on Redis.

A run is a hash (`run:<id>`: owner, kind, status, lease, cancel mark, meta) and its events
a Redis Stream (`events:<id>`) whose entry ids are the event seqs (`<seq>-0`). Running
runs sit in a sorted set per kind scored by lease expiry (lapsed runs are a range query)
and runs marked for cancellation in one set. A finished run and its events expire
STREAM_RUN_RETENTION_SECONDS after the terminal event.
"""

from __future__ import annotations

import json
import time

import redis

from backend.app.streaming.records import RunInfo, RunLogFull
from backend.app.streaming.redis.connection import RedisParts, milliseconds

# Number the next event after the log's last, refuse it when the log is full, and finish
# the run with a terminal event: all in one step, so exactly one terminal event ends it.
APPEND = """
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return false end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then seq = tonumber(string.match(last[1][1], '^(%d+)')) + 1 end
local terminal = ARGV[2] == '1'
if not terminal and seq >= tonumber(ARGV[3]) then return -1 end
redis.call('XADD', KEYS[2], seq .. '-0', 'd', ARGV[1])
redis.call('HSET', KEYS[1], 'last_seq', seq)
if terminal then
  local kind = redis.call('HGET', KEYS[1], 'kind')
  redis.call('HSET', KEYS[1], 'status', 'finished', 'finished_at', ARGV[4])
  redis.call('ZREM', ARGV[6] .. 'leases:' .. kind, ARGV[7])
  redis.call('SREM', KEYS[3], ARGV[7])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
return seq
"""
# Events their producer numbered, of one running run (an id already there is skipped).
APPEND_NUMBERED = """
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 1 end
for i = 1, #ARGV, 2 do
  redis.pcall('XADD', KEYS[2], ARGV[i] .. '-0', 'd', ARGV[i + 1])
end
return 0
"""
RENEW = """
for i = 3, #ARGV do
  local run = ARGV[2] .. 'run:' .. ARGV[i]
  local found = redis.call('HMGET', run, 'kind', 'status')
  if found[2] == 'running' then
    redis.call('HSET', run, 'lease', ARGV[1])
    redis.call('ZADD', ARGV[2] .. 'leases:' .. found[1], ARGV[1], ARGV[i])
  end
end
"""
CANCEL = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return end
redis.call('HSET', KEYS[1], 'cancel', '1')
if status == 'running' then redis.call('SADD', KEYS[2], ARGV[1]) end
"""


class RedisRunLog(RedisParts):
    """Run logs as hashes and Redis Streams."""

    max_events: int
    retention_seconds: float

    def create_run(
        self, run_id: str, owner: str, kind: str, lease_seconds: float, meta: dict | None = None
    ) -> None:
        """Open a run log; `meta` is what whoever ends the run needs to wrap it up."""
        now = time.time()
        fields = {
            "owner": owner,
            "kind": kind,
            "status": "running",
            "last_seq": 0,
            "lease": repr(now + lease_seconds),
            "cancel": 0,
            "created_at": repr(now),
            "meta": json.dumps(meta or {}, ensure_ascii=False),
        }
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(self._key("run", run_id), mapping=fields)
        pipe.zadd(self._key("leases", kind), {run_id: now + lease_seconds})
        pipe.execute()

    def append(self, run_id: str, event: dict, *, terminal: bool = False) -> int | None:
        """Add an event with the next seq; None if the run already finished."""
        seq = self._script("append", APPEND)(
            keys=[self._key("run", run_id), self._key("events", run_id), self._key("cancels")],
            args=[
                json.dumps(event, ensure_ascii=False),
                1 if terminal else 0,
                self.max_events,
                repr(time.time()),
                milliseconds(self.retention_seconds),
                self._prefix,
                run_id,
            ],
        )
        if seq == -1:
            raise RunLogFull(run_id)
        return seq

    def append_batch(self, events: list[tuple[str, int, dict]]) -> set[str]:
        """Add numbered events of any runs in one round trip; the runs that had finished."""
        if not events:
            return set()
        by_run: dict[str, list] = {}
        for run_id, seq, event in events:
            by_run.setdefault(run_id, []).extend((seq, json.dumps(event, ensure_ascii=False)))
        script = self._script("append_numbered", APPEND_NUMBERED)

        def send() -> list:
            # EVALSHA in a plain pipeline: one round trip (a pipeline of Script objects
            # would first ask the server whether the script exists, every time).
            pipe = self._redis.pipeline(transaction=False)
            for run_id, args in by_run.items():
                keys = [self._key("run", run_id), self._key("events", run_id)]
                pipe.evalsha(script.sha, len(keys), *keys, *args)
            return pipe.execute()

        try:
            refused = send()
        except redis.exceptions.NoScriptError:  # a new or restarted server: load it once
            self._redis.script_load(APPEND_NUMBERED)
            refused = send()
        return {run_id for run_id, flag in zip(by_run, refused, strict=True) if flag}

    def read(self, run_id: str, after_seq: int) -> list[tuple[int, dict]]:
        """Events with seq > after_seq, in order."""
        entries = self._redis.xrange(self._key("events", run_id), min=f"{after_seq + 1}-0")
        return [
            (int(entry_id.split(b"-")[0]), json.loads(data[b"d"])) for entry_id, data in entries
        ]

    def read_many(
        self, cursors: dict[str, int], wait_seconds: float = 0.0
    ) -> dict[str, list[tuple[int, dict]]]:
        """Events after each run's cursor: one XREAD over every run, blocking up to
        `wait_seconds` until any of them has a new event."""
        if not cursors:
            return {}
        streams = {self._key("events", run_id): f"{after}-0" for run_id, after in cursors.items()}
        block = round(wait_seconds * 1000) if wait_seconds > 0 else None
        answer = self._redis.xread(streams, block=block) or []
        prefix = len(self._key("events", ""))
        found: dict[str, list[tuple[int, dict]]] = {}
        for key, entries in answer:
            found[key.decode()[prefix:]] = [
                (int(entry_id.split(b"-")[0]), json.loads(data[b"d"])) for entry_id, data in entries
            ]
        return found

    def run_info(self, run_id: str) -> RunInfo | None:
        """The run's owner and status, or None for an unknown (or expired) run."""
        owner, kind, status, last_seq, lease, cancel = self._redis.hmget(
            self._key("run", run_id), "owner", "kind", "status", "last_seq", "lease", "cancel"
        )
        if owner is None:
            return None
        return RunInfo(
            run_id,
            owner.decode(),
            kind.decode(),
            status == b"finished",
            int(last_seq),
            float(lease) < time.time(),
            cancel == b"1",
        )

    def run_meta(self, run_id: str) -> dict:
        """The `meta` the run was created with ({} for an unknown run)."""
        meta = self._redis.hget(self._key("run", run_id), "meta")
        return json.loads(meta) if meta else {}

    def lapsed_runs(self, kind: str, limit: int = 20) -> list[str]:
        """Running runs of `kind` whose producer stopped renewing its lease."""
        found = self._redis.zrangebyscore(
            self._key("leases", kind), "-inf", f"({time.time()!r}", start=0, num=limit
        )
        return [run_id.decode() for run_id in found]


class RedisRunLeases(RedisParts):
    """A producer's leases on its runs."""

    def renew_leases(self, run_ids: list[str], lease_seconds: float) -> None:
        """Push forward the leases of several running runs at once (one round trip)."""
        if run_ids:
            expires = repr(time.time() + lease_seconds)
            self._script("renew", RENEW)(keys=[], args=[expires, self._prefix, *run_ids])


class RedisCancelMarks(RedisParts):
    """Cancel requests any worker makes and the producing worker reads."""

    def cancel_marked_runs(self) -> set[str]:
        """Ids of the running runs marked for cancellation, whichever worker produces them."""
        return {run_id.decode() for run_id in self._redis.smembers(self._key("cancels"))}

    def request_cancel(self, run_id: str) -> None:
        """Mark the run for cancellation; its producer notices within its check interval."""
        keys = [self._key("run", run_id), self._key("cancels")]
        self._script("cancel", CANCEL)(keys=keys, args=[run_id])
