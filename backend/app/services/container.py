"""Wire the course, retrieval, model, checkpointer and tutor graph into the app."""

from __future__ import annotations

from flask import Flask

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.agents.graph import build_tutor_graph
from backend.app.agents.learning_supervisor.intent_classifier import IntentClassifier
from backend.app.course import get_course
from backend.app.learning.qna_stream_service import QnAStreamService
from backend.app.learning.service import LearningService
from backend.app.learning.sessions_repo import SessionRepository
from backend.app.learning.theory_stream_service import TheoryStreamService
from backend.app.llm import create_chat_model
from backend.app.retrieval import warm_up
from backend.app.streaming.runner import Runner
from backend.app.streaming.store import SqliteStreamStore


def register_learning(app: Flask) -> None:
    """Build the per-process learning services once, at start-up."""
    settings = app.config["SETTINGS"]
    course = get_course()
    warm_up()  # the retrieval index: built now rather than inside a learner's first request
    store = SqliteStreamStore(
        settings.DATA_DIR / "streams.db",
        max_events=settings.STREAM_RUN_MAX_EVENTS,
        retention_seconds=settings.STREAM_RUN_RETENTION_SECONDS,
    )
    model = create_chat_model(settings)
    # The offline model has no structured output: its provider classifies by the rules.
    classifier = IntentClassifier(model, use_model=settings.LLM_PROVIDER != "offline")
    graph = build_tutor_graph(
        course=course,
        model=model,
        classify=classifier.classify,
        checkpointer=create_checkpointer(settings),
        tickets=store,
        ticket_ttl=settings.STREAM_TICKET_TTL_SECONDS,
    )
    sessions = SessionRepository(app.extensions["tutor.db"])
    run_slots = app.extensions["tutor.run_slots"]
    app.extensions["tutor.model"] = model  # one client (and connection pool) per process
    app.extensions["tutor.course"] = course
    app.extensions["tutor.graph"] = graph
    app.extensions["tutor.learning"] = LearningService(
        graph=graph, course=course, sessions=sessions, run_slots=run_slots, settings=settings
    )
    runner = Runner(
        store,
        lease_seconds=settings.STREAM_RUN_LEASE_SECONDS,
        deadline_seconds=settings.LLM_RUN_DEADLINE_SECONDS,
    )
    core = {"runner": runner, "sessions": sessions, "run_slots": run_slots, "settings": settings}
    app.extensions["tutor.theory_streams"] = TheoryStreamService(educator=graph.educator, **core)
    app.extensions["tutor.qna_streams"] = QnAStreamService(qna=graph.qna, **core)
