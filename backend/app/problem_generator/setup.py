"""Wire the problem generator's streaming service into the app."""

from __future__ import annotations

from flask import Flask

from backend.app.problem_generator.stream_service import ProblemStreamService


def register_problem_generator(app: Flask) -> None:
    """Build the generation service on the process's chat model and problem store.

    Runs after register_learning (the model) and register_problem_store.
    """
    settings = app.config["SETTINGS"]
    app.extensions["tutor.problem_streams"] = ProblemStreamService(
        model=app.extensions["tutor.model"],
        store=app.extensions["tutor.problems"],
        run_slots=app.extensions["tutor.run_slots"],
        lease_seconds=settings.STREAM_RUN_LEASE_SECONDS * 2,
        deadline_seconds=settings.LLM_RUN_DEADLINE_SECONDS,
    )
