"""The structured problem the generator produces, and the inputs it accepts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
MAX_ALGORITHM_TYPE_CHARS = 64


class Example(BaseModel):
    """One sample test: what goes in, what must come out, and why."""

    model_config = ConfigDict(extra="forbid")

    input: str
    output: str
    explanation: str = ""


class GeneratedProblem(BaseModel):
    """A finished coding problem (DESIGN 4.3, snake_case fields)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    input_format: str = Field(min_length=1)
    output_format: str = Field(min_length=1)
    constraints: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    hints: list[str] = Field(default_factory=list)
    difficulty: Difficulty
    algorithm_type: str = Field(min_length=1, max_length=MAX_ALGORITHM_TYPE_CHARS)
