"""TicketStore on SQLite: a ticket is kept as its hash, which is also its run's key."""

from __future__ import annotations

import json
import time

from backend.app.domain.tickets import new_ticket, run_id_for
from backend.app.streaming.sqlite.connection import SqliteTables

# Expired tickets stay this long, so a late request is told "expired", not "unknown".
SWEEP_AFTER_SECONDS = 60


class SqliteTickets(SqliteTables):
    """Issue, peek and claim tickets; the file never holds a usable ticket."""

    def issue(self, owner: str, payload: dict, ttl: float) -> str:
        """A new opaque ticket for `owner`, claimable once within `ttl` seconds."""
        ticket = new_ticket()
        now = time.time()

        def insert(cursor):
            cursor.execute(
                "DELETE FROM ticket_hashes WHERE expires_at < ?", (now - SWEEP_AFTER_SECONDS,)
            )
            cursor.execute(
                "INSERT INTO ticket_hashes (ticket_hash, owner, payload, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (run_id_for(ticket), owner, json.dumps(payload, ensure_ascii=False), now + ttl),
            )

        self._write(insert)
        return ticket

    def peek(self, ticket: str) -> str | None:
        """The owner of a ticket that can still be claimed, else None."""
        rows = self._read(
            "SELECT owner FROM ticket_hashes "
            "WHERE ticket_hash = ? AND claimed_at IS NULL AND expires_at > ?",
            (run_id_for(ticket), time.time()),
        )
        return rows[0][0] if rows else None

    def expired_unclaimed(self, ticket: str) -> bool:
        """True when the ticket ran out without ever being claimed (or is long gone unclaimed).

        A claimed ticket is never "expired unclaimed", even in the moment before its run
        is created on another worker.
        """
        rows = self._read(
            "SELECT claimed_at, expires_at FROM ticket_hashes WHERE ticket_hash = ?",
            (run_id_for(ticket),),
        )
        if rows:
            claimed_at, expires_at = rows[0]
            return claimed_at is None and expires_at <= time.time()
        # Swept after expiry: unclaimed unless a run was made from it.
        return not self._read("SELECT 1 FROM runs WHERE run_id = ?", (run_id_for(ticket),))

    def claim(self, ticket: str) -> tuple[str, dict] | None:
        """(owner, payload) for exactly one caller; None if expired, unknown or claimed."""

        def take(cursor):
            row = cursor.execute(
                "UPDATE ticket_hashes SET claimed_at = ? WHERE ticket_hash = ? "
                "AND claimed_at IS NULL AND expires_at > ? RETURNING owner, payload",
                (time.time(), run_id_for(ticket), time.time()),
            ).fetchone()
            return (row[0], json.loads(row[1])) if row else None

        return self._write(take)
