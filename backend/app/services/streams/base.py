"""Ticket streams: claim a ticket, run its producer, serve and resume its events (DESIGN 4.2).

The machinery every ticketed SSE stream shares (theory lessons, QnA answers): refusals,
claims, resume with Last-Event-ID, cancel (also before the stream starts), runs whose
worker died. A subclass says what its run produces and how its outcome is recorded.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

from backend.app.domain.tickets import StreamTicket, run_id_for
from backend.app.errors import APIError
from backend.app.observability.metrics import STREAMS_ACTIVE
from backend.app.services.streams.lapsed_runs import claim_lapsed_run
from backend.app.services.streams.reporting import StreamReporting
from backend.app.services.streams.requests import (
    INVALID,
    TOO_MANY,
    StreamRefused,
    caller_of,
    last_event_id_of,
)
from backend.app.streaming.events import stream_error
from backend.app.streaming.previews import PreviewCursor
from backend.app.streaming.runner import LeaseHook, RunResult
from backend.app.streaming.subscription import ABORTED, refusal_sse, subscribe_sse

log = logging.getLogger("backend.app.streams")


def session_status(outcome: str) -> str:
    """The status a run's outcome leaves in the session: completed, cancelled or failed."""
    return outcome if outcome in ("completed", "cancelled") else "failed"


class TicketStreamService(StreamReporting):
    """Everything behind GET <kind>-stream/<ticket> and its cancel endpoint."""

    cancelled_message = "The stream was stopped."
    # Whether its runs show the block being written to subscribers that ask (DESIGN 4.2.3).
    previews = False

    def __init__(self, *, runner, sessions, run_slots, settings) -> None:
        self.runner = runner
        self.store = runner.store
        self.sessions = sessions
        self.run_slots = run_slots
        self.settings = settings
        self.cancelled_early = stream_error("CANCELLED", self.cancelled_message)
        runner.takeovers.register(self.kind, self.take_over)

    # What a subclass provides.

    def produce(self, ticket: StreamTicket) -> Iterator[dict]:
        """The run's events: stream_start (without the ticket), content, one terminal event."""
        raise NotImplementedError

    def continue_run(self, ticket: StreamTicket, logged: list[dict]) -> Iterator[dict]:
        """The rest of a run after its `logged` events, for a takeover (DESIGN 4.4)."""
        raise NotImplementedError

    def record(self, ticket: StreamTicket, result: RunResult) -> None:
        """Write the run's outcome into the session (completed, cancelled, failed, aborted)."""
        raise NotImplementedError

    # The shared machinery.

    def open(
        self,
        ticket: str,
        authorization: str | None,
        last_event_id: str | None,
        previews: bool = False,
    ) -> Iterator[str]:
        """The SSE body for this request: a live/replayed stream, or one refusal event.

        `previews`: the client asked for the block being written (`?preview=1`).
        """
        cursor = None
        if previews and self.previews:
            cursor = PreviewCursor(self.settings.STREAM_PREVIEW_INTERVAL_MS / 1000)
        try:
            caller = caller_of(authorization)
            if last_event_id is not None:
                after = last_event_id_of(last_event_id)
                run_id = self._resumable_run(ticket, caller)
                return self._subscribe(run_id, after, ticket, cursor)
            run_id, claimed = self._claim_and_start(ticket, caller)
        except StreamRefused as refused:
            return iter([refusal_sse(refused.code, refused.message)])
        return self._first_block_timed(self._subscribe(run_id, 0, ticket, cursor), claimed)

    def _subscribe(
        self, run_id: str, after: int, ticket: str, previews: PreviewCursor | None = None
    ) -> Iterator[str]:
        """Follow the run, counted against STREAM_MAX_SUBSCRIBERS_PER_RUN while it lasts."""
        limit = self.settings.STREAM_MAX_SUBSCRIBERS_PER_RUN
        if not self.store.join(run_id, limit, self.settings.STREAM_RUN_LEASE_SECONDS):
            return iter([refusal_sse(*TOO_MANY)])
        heartbeat = self.settings.SSE_HEARTBEAT_SECONDS
        events = subscribe_sse(
            self.runner,
            run_id,
            after,
            heartbeat,
            on_abort=self._wrap_up_aborted,
            ticket=ticket,
            previews=previews,
        )
        return self._counted(run_id, events)

    def _counted(self, run_id: str, events: Iterator[str]) -> Iterator[str]:
        """The subscription's events; it stops counting when it ends or its client leaves."""
        try:
            yield from events
        finally:
            try:
                self.store.leave(run_id)
            except Exception:  # its lease lapses by itself
                log.warning("Could not uncount a subscriber of run %s", run_id[:12])

    def _wrap_up_aborted(self, run_id: str) -> None:
        """Record a run whose worker died, with what it delivered."""
        events = [event for _, event in self.store.read(run_id, 0)]
        meta = self.store.run_meta(run_id)
        if meta:
            ticket = StreamTicket.model_validate(meta)
            self._on_done(ticket, RunResult(run_id, "aborted", events=events, terminal=ABORTED))

    def take_over(self, run_id: str) -> None:
        """Continue a run whose producer's lease lapsed, from what it delivered (DESIGN 4.4).

        The one process whose claim wins (lapsed_runs.py) continues the run: its events are
        numbered after the logged ones, and it ends the run as its producer would have
        (saving the lesson, freeing the run slot).
        """
        lapsed = claim_lapsed_run(self.store, run_id, self.settings.STREAM_RUN_LEASE_SECONDS)
        if lapsed is None:
            return
        ticket, delivered = lapsed.ticket, lapsed.delivered
        log.info(
            "stream kind=%s run=%s taken over after seq %d", self.kind, run_id[:12], lapsed.last_seq
        )
        STREAMS_ACTIVE.labels(self.kind).inc()
        self.runner.start(
            run_id,
            lambda: self.continue_run(ticket, delivered),
            lambda result: self._on_done(
                ticket, dataclasses.replace(result, events=delivered + result.events)
            ),
            lease_hook=LeaseHook(self._renew_slots, ticket.slot_id),
            next_seq=lapsed.last_seq + 1,
        )

    def cancel(self, ticket: str, user_id: str) -> None:
        """Stop the run (or the ticket before its run starts); 404 for anyone but the owner."""
        run_id = run_id_for(ticket)
        info = self.store.run_info(run_id)
        if info is not None:
            if info.owner != user_id:
                raise APIError(404, "NOT_FOUND", "This stream does not exist.")
            if not info.finished:
                self.store.request_cancel(run_id)
            return
        if self.store.peek(ticket) != user_id:
            raise APIError(404, "NOT_FOUND", "This stream does not exist.")
        claimed = self.store.claim(ticket)
        if claimed is None:  # claimed a moment ago by its stream: cancel that run instead
            self.store.request_cancel(run_id)
            return
        owner, payload = claimed
        self.store.create_run(
            run_id, owner, self.kind, self.settings.STREAM_RUN_LEASE_SECONDS, payload
        )
        self.store.append(run_id, self.cancelled_early, terminal=True)
        stream_ticket = StreamTicket.model_validate(payload)
        self._on_done(stream_ticket, RunResult(run_id, "cancelled", terminal=self.cancelled_early))

    def _resumable_run(self, ticket: str, caller: str | None) -> str:
        run_id = run_id_for(ticket)
        info = self.store.run_info(run_id)
        if info is None or (caller is not None and caller != info.owner):
            raise StreamRefused(*INVALID)
        return run_id

    def _claim_and_start(self, ticket: str, caller: str | None) -> tuple[str, StreamTicket]:
        if caller is not None:  # checked before claiming: the owner keeps the ticket
            owner = self.store.peek(ticket)
            if owner is None:
                raise StreamRefused(*self._why_unclaimable(ticket))
            if caller != owner:
                raise StreamRefused(*INVALID)
        # An EventSource sends no token: the ticket alone is the credential, so it is claimed
        # at once (one store call less for every stream opened).
        claimed = self.store.claim(ticket)
        if claimed is None:
            raise StreamRefused(*self._why_unclaimable(ticket))  # also: another request won
        owner, payload = claimed
        stream_ticket = StreamTicket.model_validate(payload)
        run_id = run_id_for(ticket)
        self.store.create_run(
            run_id, owner, self.kind, self.settings.STREAM_RUN_LEASE_SECONDS, payload
        )
        STREAMS_ACTIVE.labels(self.kind).inc()
        self.runner.start(
            run_id,
            lambda: self.produce(stream_ticket),
            lambda result: self._on_done(stream_ticket, result),
            lease_hook=LeaseHook(self._renew_slots, stream_ticket.slot_id),
        )
        return run_id, stream_ticket

    def _renew_slots(self, slot_ids: list[str]) -> None:
        """Keep the run slots of working runs (their lease outlasts the run's own)."""
        self.run_slots.renew(slot_ids, self.settings.STREAM_RUN_LEASE_SECONDS * 2)

    def _why_unclaimable(self, ticket: str) -> tuple[str, str]:
        first = self.store.read(run_id_for(ticket), 0)[:1]
        if first and first[0][1] == self.cancelled_early:
            return "CANCELLED", self.cancelled_message
        return INVALID

    def _on_done(self, ticket: StreamTicket, result: RunResult) -> None:
        """Record the outcome and free the run's resources, whatever happens."""
        try:
            self.record(ticket, result)
        finally:
            self.sessions.clear_active_run(ticket.session_id, run_id=result.run_id)
            self.run_slots.release(ticket.slot_id)
            if result.started_at:  # only a local producer counted itself active
                STREAMS_ACTIVE.labels(self.kind).dec()
            self.observe(result)
