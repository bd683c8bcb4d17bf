"""The shape of a problem template: statement, formats, limits, example maker and solver."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemTemplate:
    """A small real problem whose example outputs are computed, never written by hand."""

    key: str
    default_title: str
    statement: str
    input_format: tuple[str, ...]
    output_format: str
    # Constraint lines with {placeholders} filled from ``limits[difficulty]``.
    constraints: tuple[str, ...]
    limits: dict[str, dict[str, int]]
    make_input: Callable[[random.Random], str]
    solve: Callable[[str], str]
    explain: Callable[[str, str], str]
    # Ordered from most to least revealing; easier problems show more of them.
    hints: tuple[str, ...]

    def constraint_lines(self, difficulty: str) -> list[str]:
        """Return the constraint lines with this difficulty's sizes."""
        values = {key: f"{value:,}" for key, value in self.limits[difficulty].items()}
        return [line.format(**values) for line in self.constraints]


def int_rows(text: str) -> list[list[int]]:
    """Return the whitespace-separated integers of each non-empty line."""
    return [[int(token) for token in line.split()] for line in text.strip().splitlines() if line]


def sizes(easy: dict[str, int], medium: dict[str, int], hard: dict[str, int]) -> dict:
    """Return the per-difficulty limits mapping."""
    return {"easy": easy, "medium": medium, "hard": hard}
