"""Run a reference solution on every example in the sandbox and say what held."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backend.app.domain.problems import Example
from backend.app.domain.verification import ExampleCheck, Verification

if TYPE_CHECKING:
    from backend.app.problem_generator.sandbox import Sandbox

# What a failed example shows of the solution's output: enough to see the mistake, never
# a flood in the stored item or the stream.
MAX_ACTUAL_CHARS = 2_000
NO_EXAMPLES = "The problem has no examples to check."


def comparable_lines(text: str) -> list[str]:
    """The lines of an output as compared: trailing whitespace and trailing blank lines ignored."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def outputs_match(expected: str, actual: str) -> bool:
    """Whether the solution's output is the example's, line by line (DESIGN 4.3)."""
    return comparable_lines(expected) == comparable_lines(actual)


def _check(
    sandbox: Sandbox, solution: str, index: int, example: Example
) -> tuple[ExampleCheck, float]:
    """The example's check, and the milliseconds its run took in the sandbox."""
    stdin = example.input if example.input.endswith("\n") else example.input + "\n"
    run = sandbox.run(solution, stdin)
    if run.ok and outputs_match(example.output, run.stdout):
        return ExampleCheck(index=index, passed=True), run.duration_ms
    check = ExampleCheck(
        index=index, passed=False, actual=run.stdout[:MAX_ACTUAL_CHARS], error=run.failure()
    )
    return check, run.duration_ms


def verify_examples(sandbox: Sandbox, solution: str, examples: Sequence[Example]) -> Verification:
    """Passed when every example's output matches the solution's; failed otherwise.

    Raises SandboxUnavailable when no run can start (the caller reports `skipped`).
    """
    if not examples:
        return Verification.skipped(NO_EXAMPLES)
    runs = [_check(sandbox, solution, i, example) for i, example in enumerate(examples)]
    checks = [check for check, _ in runs]
    # Time in the sandbox only: waiting for a free run slot is not the solution's.
    runtime_ms = round(sum(duration for _, duration in runs))
    passed = all(check.passed for check in checks)
    return Verification(
        status="passed" if passed else "failed",
        reason=None if passed else _failure_reason(checks),
        examples=checks,
        runtime_ms=runtime_ms,
    )


def _failure_reason(checks: list[ExampleCheck]) -> str:
    failed = [check for check in checks if not check.passed]
    return f"{len(failed)} of {len(checks)} examples did not match the reference solution."
