"""The NDJSON events of a generation stream (DESIGN 4.3), built in one place."""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def status(stage: str, state: str, message: str) -> Event:
    """A stage `started` or `done`."""
    return {"type": "status", "payload": {"stage": stage, "state": state, "message": message}}


def token(text: str) -> Event:
    """A piece of the description as the model wrote it."""
    return {"type": "token", "payload": {"text": text}}


def result(
    problem_id: str | None,
    persisted: bool,
    problem: dict[str, Any],
    verification: dict[str, Any],
    persist_error: str | None = None,
) -> Event:
    """The finished problem, what its verification showed, and where it was saved.

    A failed save has no id and says why. The reference solution is never in it.
    """
    payload = {
        "problemId": problem_id,
        "persisted": persisted,
        "problem": problem,
        "verification": verification,
    }
    if persist_error is not None:
        payload["persist_error"] = persist_error
    return {"type": "result", "payload": payload}


def error(code: str, message: str) -> Event:
    """The one failure event; the stream ends after it."""
    return {"type": "error", "payload": {"code": code, "message": message}}
