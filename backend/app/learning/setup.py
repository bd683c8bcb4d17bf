"""Wire the course, retrieval, model, checkpointer and tutor graph into the app."""

from __future__ import annotations

from flask import Flask

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.agents.graph import build_tutor_graph
from backend.app.course import get_course
from backend.app.learning.service import LearningService
from backend.app.learning.sessions_repo import SessionRepository
from backend.app.llm import create_chat_model
from backend.app.retrieval import warm_up


def register_learning(app: Flask) -> None:
    """Build the per-process learning services once, at start-up."""
    settings = app.config["SETTINGS"]
    course = get_course()
    warm_up()  # the retrieval index: built now rather than inside a learner's first request
    graph = build_tutor_graph(
        course=course,
        model=create_chat_model(settings),
        checkpointer=create_checkpointer(settings),
    )
    app.extensions["tutor.course"] = course
    app.extensions["tutor.graph"] = graph
    app.extensions["tutor.learning"] = LearningService(
        graph=graph,
        course=course,
        sessions=SessionRepository(app.extensions["tutor.db"]),
        run_slots=app.extensions["tutor.run_slots"],
        settings=settings,
    )
