"""The verification stage: ask for a reference solution, run it on the examples, repair once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from backend.app.domain.problems import GeneratedProblem
from backend.app.domain.verification import Verification
from backend.app.llm.errors import ModelUnavailable
from backend.app.llm.limits import OutputTokenLimitReached
from backend.app.problem_generator.sandbox import Sandbox, SandboxUnavailable
from backend.app.problem_generator.solution_text import (
    extract_corrected_outputs,
    extract_program,
)
from backend.app.problem_generator.verification import NO_EXAMPLES, verify_examples
from backend.app.problem_generator.verification_prompts import (
    build_repair_messages,
    build_solution_messages,
)

log = logging.getLogger(__name__)

# One model call: messages in, the reply's text out (ModelUnavailable when it failed).
InvokeText = Callable[[list[BaseMessage]], str]

TURNED_OFF = "Verification is turned off on this server (PROBLEM_VERIFICATION=off)."
NO_SOLUTION = "The model did not write a usable reference solution."


@dataclass(frozen=True)
class VerifiedProblem:
    """The problem as it will be saved (a repair may correct its examples), and what held."""

    problem: GeneratedProblem
    verification: Verification
    solution: str | None = None


class ExampleVerifier:
    """Verify a parsed problem's examples with a model-written reference solution.

    `sandbox` None means verification is off. A run deadline passed during a model call
    propagates (the stream ends with GENERATION_FAILED); every other failure of this
    stage is reported in the verification, never by losing the problem.
    """

    def __init__(self, sandbox: Sandbox | None, invoke: InvokeText) -> None:
        self.sandbox = sandbox
        self.invoke = invoke

    def verify(self, problem: GeneratedProblem) -> VerifiedProblem:
        """The problem, its verification and the solution that was run (if any)."""
        reason = self._reason_to_skip(problem)
        if reason is not None:
            return VerifiedProblem(problem, Verification.skipped(reason))
        solution = self._ask(build_solution_messages(problem), extract_program)
        if solution is None:
            return VerifiedProblem(problem, Verification.skipped(NO_SOLUTION))
        try:
            return self._run_and_repair(problem, solution)
        except SandboxUnavailable as unavailable:
            return VerifiedProblem(problem, Verification.skipped(unavailable.reason), solution)

    def _reason_to_skip(self, problem: GeneratedProblem) -> str | None:
        if self.sandbox is None:
            return TURNED_OFF
        unavailable = self.sandbox.unavailable_reason()
        if unavailable is not None:
            return f"The sandbox cannot start on this server: {unavailable}"
        return NO_EXAMPLES if not problem.examples else None

    def _run_and_repair(self, problem: GeneratedProblem, solution: str) -> VerifiedProblem:
        assert self.sandbox is not None
        first = verify_examples(self.sandbox, solution, problem.examples)
        if first.status != "failed":
            return VerifiedProblem(problem, first, solution)
        reply = self._ask(build_repair_messages(problem, solution, first), lambda text: text)
        if reply is None:
            return VerifiedProblem(problem, first, solution)
        repaired_problem = _with_outputs(problem, extract_corrected_outputs(reply))
        repaired_solution = extract_program(reply) or solution
        if repaired_problem == problem and repaired_solution == solution:
            log.info("The repair call changed nothing; the verification stays failed")
            return VerifiedProblem(problem, first, solution)
        second = verify_examples(self.sandbox, repaired_solution, repaired_problem.examples)
        verification = second.model_copy(
            update={"repaired": True, "runtime_ms": first.runtime_ms + second.runtime_ms}
        )
        return VerifiedProblem(repaired_problem, verification, repaired_solution)

    def _ask(self, messages: list[BaseMessage], read: Callable[[str], str | None]) -> str | None:
        """One model call of this stage; None when the model failed or wrote nothing usable."""
        try:
            return read(self.invoke(messages))
        except (ModelUnavailable, OutputTokenLimitReached) as failure:
            log.warning("Verification model call failed: %s", failure)
            return None


def _with_outputs(problem: GeneratedProblem, outputs: dict[int, str]) -> GeneratedProblem:
    """The problem with the corrected outputs of the examples the repair named."""
    examples = [
        example.model_copy(update={"output": outputs[index]}) if index in outputs else example
        for index, example in enumerate(problem.examples)
    ]
    return problem.model_copy(update={"examples": examples})
