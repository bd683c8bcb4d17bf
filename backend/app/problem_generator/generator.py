"""Seed 000's pipeline: analyse -> vary -> describe (streamed) -> parse -> verify -> save."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from backend.app.domain.verification import Verification
from backend.app.llm.errors import GenerationFailed, ModelUnavailable
from backend.app.llm.limits import (
    TOKEN_LIMIT_MESSAGE,
    OutputTokenLimitReached,
    check_reply_complete,
)
from backend.app.llm.text import content_text
from backend.app.llm.text_stream import stream_text
from backend.app.problem_generator import events
from backend.app.problem_generator.parser import ProblemParseError, parse_problem
from backend.app.problem_generator.prompts import (
    build_analysis_messages,
    build_description_messages,
    build_variation_messages,
)
from backend.app.problem_generator.sandbox import Sandbox
from backend.app.problem_generator.stages import (
    Analysis,
    Variation,
    parse_analysis,
    parse_variation,
)
from backend.app.problem_generator.verify_stage import ExampleVerifier, VerifiedProblem
from backend.app.streaming.deadline import RunDeadline, RunDeadlineExceeded

log = logging.getLogger(__name__)

_END = object()  # what next() returns at the end of the description's stream
ATTEMPTS = 2  # a planning stage gets one retry when its output is unusable


@dataclass(frozen=True)
class SavedProblem:
    """Where a finished problem went: its id, and whether the store has it yet.

    A problem the store refused has no id (it would only 404) and says why instead.
    """

    problem_id: str | None
    persisted: bool
    persist_error: str | None = None


SaveProblem = Callable[[VerifiedProblem], SavedProblem]


@dataclass
class GenerationStats:
    """Figures for the stream's log line: token usage and description size."""

    usage: dict[str, int] = field(default_factory=dict)
    description_chars: int = 0
    verification: Verification | None = None

    def add_usage(self, usage: dict | None) -> None:
        """Sum the token counts each call reports."""
        for key in ("input_tokens", "output_tokens", "total_tokens"):
            if usage and usage.get(key):
                self.usage[key] = self.usage.get(key, 0) + int(usage[key])


def verification_note(verified: VerifiedProblem) -> str:
    """The verification stage's `done` message for the learner."""
    verification = verified.verification
    count = len(verification.examples)
    if verification.status == "passed":
        fixed = " (예제를 고친 뒤)" if verification.repaired else ""
        return f"예제 {count}개가 참조 풀이와 일치해요{fixed}."
    if verification.status == "failed":
        wrong = sum(1 for check in verification.examples if not check.passed)
        return f"예제 {count}개 중 {wrong}개가 참조 풀이와 달라요."
    return "예제 검증을 건너뛰었어요."


class ProblemGenerator:
    """Generate one coding problem as a stream of status, token, result or error events."""

    def __init__(
        self,
        model: BaseChatModel,
        save: SaveProblem,
        deadline: RunDeadline | None = None,
        sandbox: Sandbox | None = None,
    ) -> None:
        """`sandbox` None turns verification off (the result says `skipped`, and why)."""
        self.model = model
        self.save = save
        self.deadline = deadline
        self.sandbox = sandbox

    def _bounded(self) -> AbstractContextManager:
        """The run's deadline around one blocking model call (never around a yield)."""
        return self.deadline.bounded() if self.deadline is not None else nullcontext()

    def generate_problem_stream(
        self,
        prompt: str,
        difficulty: str,
        algorithm_type: str | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[events.Event]:
        """Yield the events of one generation; every failure ends with one `error` event."""
        stats = stats if stats is not None else GenerationStats()
        stage = "analysis"
        try:
            yield events.status("analysis", "started", "요청을 분석하고 있어요.")
            analysis = self._analyse(prompt, difficulty, algorithm_type, stats)
            yield events.status("analysis", "done", f"알고리즘 유형: {analysis.algorithm_type}")

            stage = "variation"
            yield events.status("variation", "started", "새로운 문제 상황을 만들고 있어요.")
            variation = self._vary(prompt, difficulty, analysis, stats)
            yield events.status("variation", "done", variation.title)

            stage = "description"
            yield events.status("description", "started", "문제를 작성하고 있어요.")
            parts: list[str] = []
            messages = build_description_messages(
                prompt, difficulty, analysis.algorithm_type, variation.title, variation.scenario
            )
            with closing(self._stream_text(messages, stats)) as pieces:
                for text in pieces:
                    parts.append(text)
                    yield events.token(text)
            description = "".join(parts)
            stats.description_chars = len(description)
            yield events.status("description", "done", "문제 작성을 마쳤어요.")

            yield events.status("parsing", "started", "문제를 구조화하고 있어요.")
            problem = parse_problem(
                description,
                difficulty=difficulty,
                algorithm_type=analysis.algorithm_type,
                fallback_title=variation.title,
            )
            yield events.status("parsing", "done", problem.title)

            stage = "verification"
            yield events.status("verification", "started", "참조 풀이로 예제를 확인하고 있어요.")
            verifier = ExampleVerifier(self.sandbox, lambda m: self._invoke_text(m, stats))
            verified = verifier.verify(problem)
            stats.verification = verified.verification
            yield events.status("verification", "done", verification_note(verified))

            stage = "saving"
            yield events.status("saving", "started", "문제를 저장하고 있어요.")
            saved = self.save(verified)
            if saved.persist_error:
                note = "문제를 저장하지 못했어요."
            elif saved.persisted:
                note = "저장했어요."
            else:
                note = "저장소가 응답하지 않아 잠시 보관했어요."
            yield events.status("saving", "done", note)
            yield events.result(
                saved.problem_id,
                saved.persisted,
                verified.problem.model_dump(),
                verified.verification.to_api(),
                saved.persist_error,
            )
        except ProblemParseError as failure:
            log.warning("Problem description unusable: %s", failure)
            yield events.error(
                "GENERATION_FAILED", f"The generated problem is incomplete: {failure}."
            )
        except GenerationFailed as failure:
            log.warning("Problem generation failed at %s: %s", stage, failure)
            yield events.error("GENERATION_FAILED", f"The model's {stage} stayed unusable.")
        except ModelUnavailable as failure:
            log.warning("Model failed during problem %s: %s", stage, failure)
            message = f"The model stopped answering during the {stage} stage. Try again."
            yield events.error("GENERATION_FAILED", message)
        except OutputTokenLimitReached:
            log.warning("Problem %s stopped at the output token limit", stage)
            yield events.error("GENERATION_FAILED", TOKEN_LIMIT_MESSAGE)
        except RunDeadlineExceeded as passed:
            log.warning("Problem generation passed its deadline during the %s stage", stage)
            yield events.error("GENERATION_FAILED", str(passed))

    def _invoke_text(self, messages: list[BaseMessage], stats: GenerationStats) -> str:
        try:
            with self._bounded():
                reply = self.model.invoke(messages)
        except Exception as error:  # the client has already spent its bounded retries
            raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
        stats.add_usage(getattr(reply, "usage_metadata", None))
        check_reply_complete(reply)  # a reply cut at the token limit is not retried
        return content_text(reply.content)

    def _analyse(
        self, prompt: str, difficulty: str, requested: str | None, stats: GenerationStats
    ) -> Analysis:
        messages = build_analysis_messages(prompt, difficulty, requested)
        for attempt in range(1, ATTEMPTS + 1):
            analysis = parse_analysis(self._invoke_text(messages, stats), requested)
            if analysis is not None:
                return analysis
            log.warning("Problem analysis attempt %d was unusable", attempt)
        raise GenerationFailed("no usable analysis")

    def _vary(
        self, prompt: str, difficulty: str, analysis: Analysis, stats: GenerationStats
    ) -> Variation:
        messages = build_variation_messages(
            prompt, difficulty, analysis.algorithm_type, analysis.key_concepts
        )
        for attempt in range(1, ATTEMPTS + 1):
            variation = parse_variation(self._invoke_text(messages, stats))
            if variation is not None:
                return variation
            log.warning("Problem variation attempt %d was unusable", attempt)
        raise GenerationFailed("no usable variation")

    def _stream_text(self, messages: list[BaseMessage], stats: GenerationStats) -> Iterator[str]:
        stream = stream_text(self.model, messages)
        try:
            while True:
                try:
                    with self._bounded():
                        piece = next(stream, _END)
                except OutputTokenLimitReached:
                    raise
                except Exception as error:
                    raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
                if piece is _END:
                    return
                stats.add_usage(piece.usage)
                if piece.text:
                    yield piece.text
        finally:
            # Closing the stream closes the HTTP response: a client that went away stops
            # the upstream request too.
            stream.close()
