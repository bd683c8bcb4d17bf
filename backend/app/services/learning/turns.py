"""LearningService: start sessions, handle turns, and show sessions, over the tutor graph."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from flask import current_app

from backend.app.agents.state import thread_config
from backend.app.errors import APIError
from backend.app.learning.abandoned_runs import is_abandoned, wrap_up_abandoned
from backend.app.learning.sessions_repo import SESSION_NOT_FOUND, SessionRepository
from backend.app.learning.turn_results import streamed_answer, streamed_lesson, turn_result
from backend.app.limits.run_slots import RunSlots

log = logging.getLogger(__name__)

STREAMING = "theory_streaming"
LESSON_INTENTS = ("next_step", "retry_easier")
# A conversation entry as the session view shows it; `status` only on a turn that did not finish.
VIEW_ENTRY_KEYS = ("role", "agent", "message", "created_at", "status")


class LearningService:
    """The learning use cases; routes stay thin and never touch the graph themselves."""

    def __init__(
        self, *, graph, course, sessions: SessionRepository, run_slots: RunSlots, settings
    ):
        self.graph = graph
        self.course = course
        self.sessions = sessions
        self.run_slots = run_slots
        # A synchronous lesson may take every attempt of its calls; its slot must outlast them.
        self.lease_seconds = settings.LLM_TIMEOUT_SECONDS * (settings.LLM_MAX_RETRIES + 1) * 2 + 30
        self.ticket_ttl = settings.STREAM_TICKET_TTL_SECONDS

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
        initial = {
            "session_id": session_id,
            "user_id": user.id,
            "chapter_number": chapter_number,
            "section_number": section_number,
            "user_type": level,
            "user_message": user_message,
            "user_intent": "theory_streaming",
            "is_retry_session": False,
            "session_progress_stage": "session_start",
            "theory_content": [],
            "completed_sections": [],
            "conversation": [],
        }
        slot_id = f"session:{session_id}"
        if streaming:
            streamed = self._start_streaming(user, session_id, slot_id, initial)
            if streamed is not None:
                return streamed
        with self.run_slots.hold(user.id, slot_id, "lesson", lease_seconds=self.lease_seconds):
            if self.sessions.owned(session_id, user.id) is None:
                self.sessions.create(session_id, user.id, chapter_number, section_number, level)
            try:
                state = self.graph.invoke(initial, thread_config(session_id))
            except Exception:
                # Nothing was shown to the learner: leave no half-made session behind.
                self._forget(session_id)
                raise
        self.sessions.record_progress(session_id, state)
        return turn_result(session_id, state)

    def _start_streaming(self, user, session_id: str, slot_id: str, initial: dict) -> dict | None:
        """Phase 1 of a streamed lesson: state + ticket; None means use the synchronous path."""
        # The slot outlives this request: the run renews it, and releases it when done.
        self.run_slots.acquire(user.id, slot_id, "lesson", lease_seconds=self.ticket_ttl + 30)
        try:
            self.sessions.create(
                session_id,
                user.id,
                initial["chapter_number"],
                initial["section_number"],
                initial["user_type"],
            )
            state = self.graph.invoke(initial, thread_config(session_id, streaming=True))
            data = {"session_id": session_id, "user_id": user.id, "slot_id": slot_id}
            return self._lesson_ticket(
                session_id, state, {**data, "user_message": initial["user_message"]}
            )
        except Exception:
            # The seed's STATE_INIT_ERROR: fall back to the synchronous lesson.
            log.exception("Preparing the lesson stream failed; answering synchronously")
            self.run_slots.release(slot_id)
            return None

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
            state = self.graph.invoke(turn, config)
        except BaseException:
            self.run_slots.release(slot_id)
            raise
        intent = state.get("user_intent")
        data = {"session_id": session_id, "user_id": user.id, "slot_id": slot_id}
        try:
            if intent in LESSON_INTENTS and state.get("session_progress_stage") == STREAMING:
                retry = bool(state.get("is_retry_session"))
                data = {**data, "user_message": user_message}
                return self._lesson_ticket(session_id, state, data, is_retry_session=retry)
            if stream_answers and intent == "question":
                data = {**data, "question": user_message}
                return self._answer_ticket(session_id, state, data, lesson_streaming)
        except Exception:
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
            state = self.graph.invoke(turn, thread_config(session_id))
        self.sessions.record_progress(session_id, state)
        return turn_result(session_id, state)

    def _lesson_ticket(self, session_id: str, state: dict, data: dict, **extra) -> dict:
        """Phase 1 of a streamed lesson: the ticket (the turn's slot now belongs to its run)."""
        prepared = self.graph.educator.process_streaming_state(data)
        self.sessions.set_active_run(session_id, prepared["temp_session_id"], "theory")
        self.sessions.record_progress(session_id, state)
        # The session_info names the section being streamed, not the one being left.
        streaming = {
            **state,
            "chapter_number": state["target_chapter_number"],
            "section_number": state["target_section_number"],
        }
        return turn_result(session_id, streaming, streamed_lesson(prepared, **extra))

    def _answer_ticket(
        self, session_id: str, state: dict, data: dict, lesson_streaming: bool
    ) -> dict:
        """Phase 1 of a streamed answer (the turn's slot now belongs to its run)."""
        prepared = self.graph.qna.process_streaming_state(data)
        # A session shows one active run: a lesson still streaming keeps its place (a
        # reload resumes the lesson; the answer is recorded in the thread when it ends).
        if not lesson_streaming:
            self.sessions.set_active_run(session_id, prepared["temp_session_id"], "qna")
        return turn_result(session_id, state, streamed_answer(prepared))

    def list_sessions(self, user) -> list[dict]:
        """The user's sessions, newest activity first, with their progress."""
        total = len(self.course.all_sections())
        items = []
        for row in self.sessions.list_for(user.id):
            section = self.course.section(row.chapter_number, row.section_number)
            items.append(
                {
                    "session_id": row.id,
                    "chapter_number": row.chapter_number,
                    "section_number": row.section_number,
                    "section_title": section.title if section else "",
                    "session_progress_stage": row.session_progress_stage,
                    "user_type": row.user_type,
                    "progress": {
                        "completed_sections": row.completed_sections,
                        "total_sections": total,
                    },
                    "created_at": _iso(row.created_at),
                    "updated_at": _iso(row.updated_at),
                }
            )
        return items

    def session_view(self, user, session_id: str) -> dict:
        """The learner-visible state of one session (owner only)."""
        row = self.sessions.owned(session_id, user.id)
        if row is None:
            raise APIError(404, "NOT_FOUND", SESSION_NOT_FOUND)
        if row.active_run_ticket and is_abandoned(
            self.graph.educator.tickets, row.active_run_ticket
        ):
            wrap_up_abandoned(self.graph, self.sessions, row)
            row = self.sessions.owned(session_id, user.id)
        state = self.graph.get_state(thread_config(session_id)).values
        active = (
            {"temp_session_id": row.active_run_ticket, "kind": row.active_run_kind}
            if row.active_run_ticket
            else None
        )
        return {
            "session_id": session_id,
            "chapter_number": state.get("chapter_number"),
            "section_number": state.get("section_number"),
            "session_progress_stage": state.get("session_progress_stage"),
            "user_type": state.get("user_type"),
            "theory_content": state.get("theory_content", []),
            "conversation": [
                {key: entry[key] for key in VIEW_ENTRY_KEYS if key in entry}
                for entry in state.get("conversation", [])
            ],
            "active_run": active,
        }

    def _forget(self, session_id: str) -> None:
        self.sessions.delete(session_id)
        try:
            self.graph.checkpointer.delete_thread(session_id)
        except Exception:
            log.exception("Could not delete the checkpoints of a failed session")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def get_learning_service() -> LearningService:
    """The current app's learning service."""
    return current_app.extensions["tutor.learning"]
