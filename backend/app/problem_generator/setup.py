"""Wire the problem generator's streaming service into the app."""

from __future__ import annotations

from flask import Flask

from backend.app.llm import create_chat_model
from backend.app.problem_generator.stream_service import ProblemStreamService
from backend.app.storage.problems import get_problem_store


def register_problem_generator(app: Flask) -> None:
    """Build the per-process generation service (after the problem store is registered)."""
    with app.app_context():
        store = get_problem_store()
    app.extensions["tutor.problem_streams"] = ProblemStreamService(
        model=create_chat_model(app.config["SETTINGS"]),
        store=store,
        run_slots=app.extensions["tutor.run_slots"],
    )
