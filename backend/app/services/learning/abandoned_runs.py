"""Streams whose ticket expired unclaimed: the client never came for them.

Nothing runs for such a ticket, so nothing would ever end it: the session would show an
`active_run` that no stream can serve, and a lesson stage stuck at `theory_streaming`.
Reading the session finds them and records the lesson as failed (an answer simply stops
being active: its question was never answered or recorded).
"""

from __future__ import annotations

import logging

from backend.app.agents.graph import Tutor
from backend.app.domain.tickets import StreamTicket, run_id_for

log = logging.getLogger(__name__)


def wrap_up_abandoned(tutor: Tutor, sessions, row) -> None:
    """Record a never-claimed lesson as failed and forget the session's active run."""
    if row.active_run_kind == "theory":
        # Only what a failed lesson records is needed: no blocks were delivered.
        ticket = StreamTicket(
            session_id=row.id,
            user_id=row.user_id,
            slot_id="",
            context={"content_source": "fallback"},
        )
        state = tutor.educator.finalize_streaming_state(ticket, {"status": "failed", "blocks": []})
        sessions.record_progress(row.id, state)
    sessions.clear_active_run(row.id, run_id=run_id_for(row.active_run_ticket))
    log.info("session %s: its %s stream was never claimed", row.id[:8], row.active_run_kind)
