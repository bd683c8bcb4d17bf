"""A saved generated problem: who asked for it, when, with which prompt, and how it was verified."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.app.domain.problems import GeneratedProblem
from backend.app.domain.verification import ExampleCheck, Verification


def utc_now_iso() -> str:
    """Now in UTC as `2026-11-22T00:47:01.123456Z`: fixed width, so text order is time order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_problem_id() -> str:
    """A fresh random problem id (uuid4)."""
    return str(uuid.uuid4())


def stored_verification(data: dict[str, Any] | None) -> Verification | None:
    """A verification as a store kept it (the wire shape), or None when there is none."""
    if data is None:
        return None
    # Members a newer version may add are ignored rather than failing the read, as the
    # stores do for the problem's own fields (hosts of two versions share one store).
    known = {key: value for key, value in data.items() if key in Verification.model_fields}
    known["examples"] = [
        {key: value for key, value in example.items() if key in ExampleCheck.model_fields}
        for example in data.get("examples", [])
    ]
    return Verification.model_validate(known)


@dataclass(frozen=True, kw_only=True)
class ProblemRecord:
    """One generated problem as the stores keep it; fields are keyword-only."""

    problem_id: str = field(default_factory=new_problem_id)
    user_id: str
    created_at: str = field(default_factory=utc_now_iso)
    prompt: str
    # The id of the save attempt chain: a retried save carries the same one (idempotency).
    request_id: str = field(default_factory=new_problem_id)
    problem: GeneratedProblem
    # None for problems saved before verification existed (and for callers that skip it).
    verification: Verification | None = None
    reference_solution: str | None = None

    @property
    def verification_data(self) -> dict[str, Any] | None:
        """The verification in its wire shape, as every store keeps it (None: there is none).

        `stored_verification` reads it back.
        """
        return self.verification.to_api() if self.verification is not None else None

    def to_api(self, persisted: bool) -> dict:
        """The owner's read shape of one problem (GET problems/<id>, DESIGN 4.3)."""
        return {
            **self._summary(persisted),
            "verification": self.verification_data,
            "reference_solution": self.reference_solution,
        }

    def to_list_item(self, persisted: bool) -> dict:
        """A list entry: the verification's status only, never the solution or its detail."""
        status = self.verification.status if self.verification else None
        return {**self._summary(persisted), "verification_status": status}

    def _summary(self, persisted: bool) -> dict:
        return {
            "problemId": self.problem_id,
            "createdAt": self.created_at,
            "prompt": self.prompt,
            "difficulty": self.problem.difficulty,
            "persisted": persisted,
            "problem": self.problem.model_dump(),
        }

    def sort_key(self) -> tuple[str, str]:
        """Lists are newest first by this key, descending."""
        return (self.created_at, self.problem_id)
