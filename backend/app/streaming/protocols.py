"""What a stream keeps outside the process, as Protocols every backend implements.

DESIGN 4.2.1 and 4.4: tickets, run logs, leases, cancel marks, concurrent-run caps,
subscriber counts, takeover claims and the current-block record are shared by every
worker (and, with Redis, every host). The runner, subscriptions and stream services
depend on these Protocols only; `streaming/sqlite/` implements them on one SQLite file
and `limits.run_slots.RunSlots` implements RunCaps on the SQL database. One contract
suite (tests/integration/test_stream_*_contract.py, over the backends listed in
tests/support/stream_stores.py) pins the behaviour every backend must show.

Times are seconds. "A worker" is one store instance: two instances on one backend behave
like two workers (or hosts).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from backend.app.streaming.records import RunInfo


@runtime_checkable
class TicketStore(Protocol):
    """One-time tickets: issued to an owner, claimed at most once before they expire."""

    def issue(self, owner: str, payload: dict, ttl: float) -> str:
        """A new opaque ticket for `owner`, claimable once within `ttl` seconds."""
        ...

    def peek(self, ticket: str) -> str | None:
        """The owner of a ticket that can still be claimed, else None."""
        ...

    def claim(self, ticket: str) -> tuple[str, dict] | None:
        """(owner, payload) for exactly one caller; None if expired, unknown or claimed."""
        ...

    def expired_unclaimed(self, ticket: str) -> bool:
        """True when the ticket ran out without ever being claimed."""
        ...


@runtime_checkable
class RunLog(Protocol):
    """A run's numbered events, capped at `max_events`, ended by exactly one terminal event."""

    max_events: int

    def create_run(
        self, run_id: str, owner: str, kind: str, lease_seconds: float, meta: dict | None = None
    ) -> None:
        """Open a run log with a lease, dropping finished runs past their retention."""
        ...

    def append(self, run_id: str, event: dict, *, terminal: bool = False) -> int | None:
        """Add an event with the next seq; None if the run already finished.

        Raises RunLogFull for a non-terminal event past the cap. A terminal event finishes
        the run atomically: of racing terminal appends exactly one gets a seq.
        """
        ...

    def append_batch(self, events: list[tuple[str, int, dict]]) -> set[str]:
        """Add non-terminal events their producers numbered; the runs that had finished."""
        ...

    def read(self, run_id: str, after_seq: int) -> list[tuple[int, dict]]:
        """Events with seq > after_seq, in order."""
        ...

    def read_many(
        self, cursors: dict[str, int], wait_seconds: float = 0.0
    ) -> dict[str, list[tuple[int, dict]]]:
        """The events after each run's cursor, for many runs in one read.

        Waits up to `wait_seconds` for at least one event of any of them (the one reader
        per process follows every run its subscribers watch this way). Only runs with new
        events are in the answer.
        """
        ...

    def run_info(self, run_id: str) -> RunInfo | None:
        """The run's owner and status, or None for an unknown (or expired) run."""
        ...

    def run_meta(self, run_id: str) -> dict:
        """The `meta` the run was created with ({} for an unknown run)."""
        ...

    def lapsed_runs(self, kind: str, limit: int = 20) -> list[str]:
        """Running runs of `kind` whose producer stopped renewing its lease."""
        ...


@runtime_checkable
class RunLeases(Protocol):
    """A producer's hold on its runs; a lease that lapses shows in run_info and lapsed_runs."""

    def renew_leases(self, run_ids: list[str], lease_seconds: float) -> None:
        """Push forward the leases of several running runs at once."""
        ...


@runtime_checkable
class CancelMarks(Protocol):
    """Cancel requests that reach a run's producer on whichever worker it runs."""

    def request_cancel(self, run_id: str) -> None:
        """Mark the run for cancellation."""
        ...

    def cancel_marked_runs(self) -> set[str]:
        """Ids of the running runs marked for cancellation."""
        ...


@runtime_checkable
class SubscriberCounts(Protocol):
    """Live subscriptions per run, counted across workers (STREAM_MAX_SUBSCRIBERS_PER_RUN).

    A worker's subscriptions are held under a lease of `ttl` seconds that it renews, so
    the subscriptions of a worker that died stop counting once the lease lapses.
    """

    def join(self, run_id: str, limit: int, ttl: float) -> bool:
        """Count one more subscriber of the run unless `limit` are live; True when counted."""
        ...

    def leave(self, run_id: str) -> None:
        """Count one subscriber of this worker less (never below zero)."""
        ...

    def subscriber_count(self, run_id: str) -> int:
        """Live subscribers of the run, on every worker."""
        ...

    def renew_subscriptions(self, ttl: float) -> None:
        """Extend the lease of every subscription this worker holds."""
        ...


@runtime_checkable
class TakeoverClaims(Protocol):
    """Who continues a run whose producer's lease lapsed: one winner per lapse (DESIGN 4.4)."""

    def claim_takeover(self, run_id: str, holder: str, lapse_key: str, ttl: float) -> bool:
        """True for exactly one claimant of (run_id, lapse_key) within `ttl` seconds.

        `lapse_key` names the lapse (say, the lapsed lease's expiry and the last seq): a
        takeover that itself dies makes a new lapse, which can be claimed again.
        """
        ...


@runtime_checkable
class CurrentBlocks(Protocol):
    """The block being written, one overwritten record per run, never in the run log."""

    def set_current_blocks(self, records: dict[str, dict], ttl: float) -> None:
        """Replace the current-block record of each run; each vanishes after `ttl` seconds."""
        ...

    def current_blocks(self, run_ids: list[str]) -> dict[str, dict]:
        """The current-block records of those runs that have one (not expired)."""
        ...


@runtime_checkable
class StreamStore(
    TicketStore,
    RunLog,
    RunLeases,
    CancelMarks,
    SubscriberCounts,
    TakeoverClaims,
    CurrentBlocks,
    Protocol,
):
    """Everything a stream keeps outside the process but the run caps, on one backend."""

    def ping(self) -> None:
        """Raise if the backend does not answer (readiness, DESIGN 4.4)."""
        ...


@runtime_checkable
class RunCaps(Protocol):
    """MAX_CONCURRENT_RUNS_PER_USER: leased run slots per user, shared by every worker."""

    cap: int

    def try_acquire(self, user_id: str, run_id: str, kind: str, lease_seconds: float = ...) -> bool:
        """Take a slot for `run_id`; False when the user already runs `cap` generations.

        A `run_id` already holding a slot is a 409 CONFLICT; lapsed slots do not count.
        """
        ...

    def acquire(self, user_id: str, run_id: str, kind: str, **lease: float) -> None:
        """Like try_acquire, but answer 429 RATE_LIMITED when the cap is reached."""
        ...

    def renew(self, run_ids: list[str], lease_seconds: float = ...) -> None:
        """Extend the leases of runs that are still working."""
        ...

    def release(self, run_id: str) -> None:
        """Free the slot (idempotent)."""
        ...

    def running(self, user_id: str) -> int:
        """How many unexpired runs the user has."""
        ...

    def hold(
        self, user_id: str, run_id: str, kind: str, **lease: float
    ) -> AbstractContextManager[None]:
        """Hold a slot for the duration of a block."""
        ...
