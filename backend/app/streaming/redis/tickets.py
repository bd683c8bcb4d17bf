"""TicketStore on Redis: a ticket's hash names a key that expires with the ticket."""

from __future__ import annotations

import json

from backend.app.domain.tickets import new_ticket, run_id_for
from backend.app.streaming.redis.connection import RedisParts, milliseconds

# GET + DEL in one step, leaving a mark that the ticket was claimed (not left to expire).
CLAIM = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return value
"""


class RedisTickets(RedisParts):
    """Issue, peek and claim tickets; Redis holds only their hashes."""

    retention_seconds: float

    def issue(self, owner: str, payload: dict, ttl: float) -> str:
        """A new opaque ticket for `owner`, claimable once within `ttl` seconds."""
        ticket = new_ticket()
        value = json.dumps({"owner": owner, "payload": payload}, ensure_ascii=False)
        self._redis.set(self._ticket_key(ticket), value, px=milliseconds(ttl))
        return ticket

    def peek(self, ticket: str) -> str | None:
        """The owner of a ticket that can still be claimed, else None."""
        value = self._redis.get(self._ticket_key(ticket))
        return json.loads(value)["owner"] if value else None

    def expired_unclaimed(self, ticket: str) -> bool:
        """True when the ticket ran out without ever being claimed (or was never issued)."""
        hashed = run_id_for(ticket)
        live = self._redis.exists(
            self._key("ticket", hashed), self._key("claimed", hashed), self._key("run", hashed)
        )
        return live == 0

    def claim(self, ticket: str) -> tuple[str, dict] | None:
        """(owner, payload) for exactly one caller; None if expired, unknown or claimed."""
        hashed = run_id_for(ticket)
        claimed_for = milliseconds(max(self.retention_seconds, 60))
        value = self._script("claim", CLAIM)(
            keys=[self._key("ticket", hashed), self._key("claimed", hashed)], args=[claimed_for]
        )
        if not value:
            return None
        stored = json.loads(value)
        return stored["owner"], stored["payload"]

    def _ticket_key(self, ticket: str) -> str:
        return self._key("ticket", run_id_for(ticket))
