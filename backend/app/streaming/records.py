"""What every stream-store backend hands back: run facts and the full-log error.

A leaf module: the Protocols, every backend and the runner import it, and it imports none
of them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
