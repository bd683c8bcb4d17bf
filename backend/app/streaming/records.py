"""What every stream-store backend hands back: run facts, the full-log error, ticket hashes.

A leaf module: the Protocols, every backend and the runner import it, and it imports none
of them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

TICKET_BYTES = 32  # 256 bits of randomness


def new_ticket() -> str:
    """A fresh opaque ticket: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TICKET_BYTES)


def run_id_for(ticket: str) -> str:
    """The run's key, and the ticket's own in the ticket store: a one-way hash of it.

    A ticket has 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    """
    return hashlib.sha256(ticket.encode()).hexdigest()[:40]


class RunLogFull(Exception):
    """The run reached STREAM_RUN_MAX_EVENTS."""


@dataclass(frozen=True)
class RunInfo:
    """What a subscriber needs to know about a run."""

    run_id: str
    owner: str
    kind: str
    finished: bool
    last_seq: int
    lease_expired: bool
    cancel_requested: bool
