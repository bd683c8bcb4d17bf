"""Learning turns: start a session, handle a learner's message (DESIGN 4.2)."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid

from backend.app.agents.graph import Tutor
from backend.app.agents.state import first_turn_state, thread_config
from backend.app.domain.tickets import StreamRequest
from backend.app.errors import APIError
from backend.app.observability.metrics import count_lesson_fallback, count_lesson_started
from backend.app.services.learning.start_admission import StartAdmission
from backend.app.services.learning.turn_results import (
    streamed_answer,
    streamed_lesson_result,
    turn_result,
)
from backend.app.storage.sessions_repo import SESSION_NOT_FOUND, SessionRepository
from backend.app.storage.unavailable import unavailable_engine
from backend.app.streaming.protocols import RunCaps

log = logging.getLogger(__name__)

STREAMING = "theory_streaming"
LESSON_INTENTS = ("next_step", "retry_easier")


class LearningTurns:
    """Session starts and learner turns; routes stay thin and never touch the graph."""

    def __init__(
        self, *, tutor: Tutor, course, sessions: SessionRepository, run_slots: RunCaps, settings
    ):
        self.tutor = tutor
        self.course = course
        self.sessions = sessions
        self.run_slots = run_slots
        # A synchronous lesson may take every attempt of its calls; its slot must outlast them.
        self.lease_seconds = settings.LLM_TIMEOUT_SECONDS * (settings.LLM_MAX_RETRIES + 1) * 2 + 30
        self.ticket_ttl = settings.STREAM_TICKET_TTL_SECONDS
        self.admission = StartAdmission()

    def start_session(
        self,
        user,
        *,
        chapter_number: int,
        section_number: int,
        user_message: str,
        user_type: str | None,
        streaming: bool = False,
    ) -> dict:
        """Open a new session on a section: a lesson stream ticket, or the whole lesson."""
        section = self.course.section(chapter_number, section_number)
        if section is None:
            raise APIError(404, "NOT_FOUND", "This chapter or section does not exist.")
        session_id = str(uuid.uuid4())
        level = user_type or user.user_type
        initial = first_turn_state(
            session_id, user.id, chapter_number, section_number, level, user_message
        )
        slot_id = f"session:{session_id}"
        if streaming:
            streamed = self._start_streaming(user, session_id, slot_id, initial)
            if streamed is not None:
                return streamed
        with self.run_slots.hold(user.id, slot_id, "lesson", lease_seconds=self.lease_seconds):
            if self.sessions.owned(session_id, user.id) is None:
                self.sessions.create(session_id, user.id, chapter_number, section_number, level)
            try:
                state = self.tutor.graph.invoke(initial, thread_config(session_id))
            except Exception:
                # Nothing was shown to the learner: leave no half-made session behind.
                self._forget(session_id)
                raise
        self.sessions.record_progress(session_id, state)
        return turn_result(session_id, state)

    def _start_streaming(self, user, session_id: str, slot_id: str, initial: dict) -> dict | None:
        """Phase 1 of a streamed lesson: state + ticket; None means use the synchronous path."""
        requested_at = time.time()  # the ticket carries it: time to first block
        # Streams already running, and lessons just started, go first (start_admission.py).
        self.admission.wait_turn()
        # The slot outlives this request: the run renews it, and releases it when done.
        self.run_slots.acquire(user.id, slot_id, "lesson", lease_seconds=self.ticket_ttl + 30)
        count_lesson_started()
        try:
            # A burst of learners opening lessons is served one start after another by the
            # worker, so this path writes as little as it can: one checkpoint, the ticket,
            # and the session's row with its stage and running stream in one statement.
            config = thread_config(session_id, streaming=True)
            state = self.tutor.open_streamed_lesson(initial, config)
            request = StreamRequest(
                session_id=session_id,
                user_id=user.id,
                slot_id=slot_id,
                user_message=initial["user_message"],
                requested_at=requested_at,
            )
            prepared = self.tutor.educator.process_streaming_state(request, state)
            self.sessions.create(
                session_id,
                user.id,
                initial["chapter_number"],
                initial["section_number"],
                initial["user_type"],
                stage=state["session_progress_stage"],
                active_run=(prepared.temp_session_id, "theory"),
            )
            return streamed_lesson_result(session_id, state, prepared)
        except Exception as failure:
            self._give_up_on_outage(failure, slot_id)
            count_lesson_fallback("preparation")
            # The seed's STATE_INIT_ERROR: fall back to the synchronous lesson.
            log.exception("Preparing the lesson stream failed; answering synchronously")
            self.run_slots.release(slot_id)
            return None

    def _give_up_on_outage(self, failure: Exception, slot_id: str) -> None:
        """Re-raise an engine outage (a 503) instead of falling back: the synchronous path
        needs the same database and would only fail again, more slowly."""
        if unavailable_engine(failure) is None:
            return
        with contextlib.suppress(Exception):  # the slot's lease lapses by itself otherwise
            self.run_slots.release(slot_id)
        raise failure

    def send_message(
        self,
        user,
        *,
        session_id: str,
        user_message: str,
        stream_lessons: bool = False,
        stream_answers: bool = False,
    ) -> dict:
        """Handle one learner message: a question, the next or an easier lesson, or a reply.

        Streamed lessons and answers come back as a ticket (`temp_session_id`); otherwise
        the whole result is in `workflow_response`.
        """
        requested_at = time.time()  # the ticket carries it: time to first block
        row = self.sessions.owned(session_id, user.id)
        if row is None:
            raise APIError(404, "NOT_FOUND", SESSION_NOT_FOUND)
        lesson_streaming = bool(row.active_run_ticket) and row.active_run_kind == "theory"
        turn = {"user_message": user_message, "user_intent": ""}
        if not (stream_lessons or stream_answers):
            return self._answer_now(user, session_id, turn)
        # A per-turn slot: a question may be asked while a lesson of the session streams.
        slot_id = f"turn:{uuid.uuid4()}"
        self.run_slots.acquire(user.id, slot_id, "turn", lease_seconds=self.lease_seconds)
        try:
            config = thread_config(
                session_id, streaming=stream_lessons, stream_answers=stream_answers
            )
            state = self.tutor.graph.invoke(turn, config)
        except BaseException:
            self.run_slots.release(slot_id)
            raise
        intent = state.get("user_intent")
        asker = {
            "session_id": session_id,
            "user_id": user.id,
            "slot_id": slot_id,
            "requested_at": requested_at,
        }
        try:
            if intent in LESSON_INTENTS and state.get("session_progress_stage") == STREAMING:
                retry = bool(state.get("is_retry_session"))
                count_lesson_started()
                request = StreamRequest(**asker, user_message=user_message)
                return self._lesson_ticket(session_id, state, request, is_retry_session=retry)
            if stream_answers and intent == "question":
                request = StreamRequest(**asker, question=user_message)
                return self._answer_ticket(session_id, state, request, lesson_streaming)
        except Exception as failure:
            self._give_up_on_outage(failure, slot_id)
            if intent in LESSON_INTENTS:
                count_lesson_fallback("preparation")
            # As for session/start (the seed's STATE_INIT_ERROR): answer synchronously.
            log.exception("Preparing the %s stream failed; answering synchronously", intent)
            self.run_slots.release(slot_id)
            return self._answer_now(
                user, session_id, {"user_message": user_message, "user_intent": intent}
            )
        # Nothing to stream (a direct reply): the slot is not needed any longer.
        self.run_slots.release(slot_id)
        self.sessions.record_progress(session_id, state)
        return turn_result(session_id, state)

    def _answer_now(self, user, session_id: str, turn: dict) -> dict:
        with self.run_slots.hold(
            user.id, f"session:{session_id}", "lesson", lease_seconds=self.lease_seconds
        ):
            state = self.tutor.graph.invoke(turn, thread_config(session_id))
        self.sessions.record_progress(session_id, state)
        return turn_result(session_id, state)

    def _lesson_ticket(self, session_id: str, state: dict, request: StreamRequest, **extra) -> dict:
        """Phase 1 of a streamed lesson: the ticket (the turn's slot now belongs to its run)."""
        prepared = self.tutor.educator.process_streaming_state(request, state)
        self.sessions.record_progress(
            session_id, state, active_run=(prepared.temp_session_id, "theory")
        )
        return streamed_lesson_result(session_id, state, prepared, **extra)

    def _answer_ticket(
        self, session_id: str, state: dict, request: StreamRequest, lesson_streaming: bool
    ) -> dict:
        """Phase 1 of a streamed answer (the turn's slot now belongs to its run)."""
        prepared = self.tutor.qna.process_streaming_state(request)
        # A session shows one active run: a lesson still streaming keeps its place (a
        # reload resumes the lesson; the answer is recorded in the thread when it ends).
        if not lesson_streaming:
            self.sessions.set_active_run(session_id, prepared.temp_session_id, "qna")
        return turn_result(session_id, state, streamed_answer(prepared))

    def _forget(self, session_id: str) -> None:
        self.sessions.delete(session_id)
        try:
            self.tutor.graph.checkpointer.delete_thread(session_id)
        except Exception as failure:
            engine = unavailable_engine(failure)
            if engine is None:
                log.exception("Could not delete the checkpoints of a failed session")
            else:  # the outage is logged once by the request's own 503
                log.warning(
                    "Could not delete the checkpoints of a failed session: %s is down", engine
                )
