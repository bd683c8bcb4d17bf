"""What running the reference solution on a problem's examples showed (DESIGN 4.3)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

VerificationStatus = Literal["passed", "failed", "skipped"]
VERIFICATION_STATUSES: tuple[str, ...] = ("passed", "failed", "skipped")


class ExampleCheck(BaseModel):
    """One example run: whether the solution's output matched, and what it printed if not."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0)  # the example's position in `problem.examples`
    passed: bool
    actual: str | None = None  # the solution's output (capped) when it did not match
    error: str | None = None  # why the run failed: a timeout, a limit, the exception's last line


class Verification(BaseModel):
    """The outcome of a verification: `passed`, `failed` (per-example detail) or `skipped`."""

    model_config = ConfigDict(extra="forbid")

    status: VerificationStatus
    reason: str | None = None  # why it was skipped or failed as a whole
    examples: list[ExampleCheck] = Field(default_factory=list)
    runtime_ms: int = Field(0, ge=0)  # wall-clock time spent in the sandbox
    repaired: bool = False  # a repair call changed the examples or the solution

    @classmethod
    def skipped(cls, reason: str) -> Verification:
        """Nothing was run, for the reason given."""
        return cls(status="skipped", reason=reason)

    def to_api(self) -> dict[str, Any]:
        """The wire shape: optional fields only when they say something."""
        return self.model_dump(exclude_none=True)
