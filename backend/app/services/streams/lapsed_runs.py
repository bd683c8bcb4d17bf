"""Claiming a run whose producer's lease lapsed, so that exactly one process continues it."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from backend.app.domain.tickets import StreamTicket
from backend.app.streaming.protocols import StreamStore
from backend.app.streaming.subscription import ABORTED


@dataclass(frozen=True)
class LapsedRun:
    """A run this process now continues: its ticket and what was delivered before."""

    ticket: StreamTicket
    delivered: list[dict]
    last_seq: int


def claim_lapsed_run(store: StreamStore, run_id: str, lease_seconds: float) -> LapsedRun | None:
    """Claim the continuation of a lapsed run; None when it is alive, ended or another's.

    Of every worker and host that notices the lapse, exactly one claim wins: the lapse is
    named by what the log held when it lapsed, and the winner renews the lease at once.
    """
    info = store.run_info(run_id)
    if info is None or info.finished or not info.lease_expired:
        return None
    logged = store.read(run_id, 0)
    last_seq = logged[-1][0] if logged else 0
    holder = f"{socket.gethostname()}:{os.getpid()}"
    if not store.claim_takeover(run_id, holder, f"after:{last_seq}", lease_seconds):
        return None
    meta = store.run_meta(run_id)
    if not meta:  # nothing says how to continue it: end it for its subscribers
        store.append(run_id, ABORTED, terminal=True)
        return None
    store.renew_leases([run_id], lease_seconds)
    delivered = [event for _, event in logged]
    return LapsedRun(StreamTicket.model_validate(meta), delivered, last_seq)
