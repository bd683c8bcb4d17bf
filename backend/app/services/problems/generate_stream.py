"""One generation request as NDJSON lines: run slot, saving, metrics and the log line."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import closing

import gevent
from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.limits.run_slots import RunSlots
from backend.app.limits.slot_keeper import SlotKeeper
from backend.app.observability.metrics import (
    PROBLEM_VERIFICATIONS,
    STREAMS_ACTIVE,
    observe_stream,
)
from backend.app.problem_generator import events
from backend.app.problem_generator.generator import (
    GenerationStats,
    ProblemGenerator,
    SavedProblem,
)
from backend.app.problem_generator.sandbox import Sandbox
from backend.app.problem_generator.verify_stage import VerifiedProblem
from backend.app.storage.problems import (
    ProblemRecord,
    ProblemStore,
    ProblemStoreError,
    utc_now_iso,
)
from backend.app.streaming.deadline import RunDeadline
from backend.app.streaming.framing import ndjson_line

log = logging.getLogger(__name__)

KIND = "problem"
LEASE_SECONDS = 60.0
STOPPING = events.error("RUN_ABORTED", "The server is restarting. Try again in a moment.")


class WorkerStopping(BaseException):
    """Raised in a problem stream whose worker is stopping (not an Exception: tools pass it)."""


class ProblemStreamService:
    """Start generations for learners and frame their events as NDJSON lines."""

    def __init__(
        self,
        model: BaseChatModel,
        store: ProblemStore,
        run_slots: RunSlots,
        *,
        lease_seconds: float = LEASE_SECONDS,
        deadline_seconds: float | None = None,
        sandbox: Sandbox | None = None,
    ) -> None:
        """`sandbox` None turns verification off (PROBLEM_VERIFICATION=off)."""
        self.model = model
        self.sandbox = sandbox
        self.store = store
        self.run_slots = run_slots
        self.lease_seconds = lease_seconds
        self.deadline_seconds = deadline_seconds
        self.slot_keeper = SlotKeeper(run_slots, lease_seconds)
        # The greenlets serving this process's problem streams (in-process bookkeeping).
        self._serving: set[gevent.Greenlet] = set()

    def stop_all(self) -> int:
        """End every problem stream of this process with an `error` line (the worker stops)."""
        serving = list(self._serving)
        for greenlet in serving:
            greenlet.kill(WorkerStopping(), block=False)
        return len(serving)

    def open(
        self, user_id: str, prompt: str, difficulty: str, algorithm_type: str | None
    ) -> Iterator[str]:
        """The stream's lines; the run slot is taken now, so a full cap is a 429, not a line."""
        run_id = f"{KIND}:{uuid.uuid4()}"
        self.run_slots.acquire(user_id, run_id, KIND, lease_seconds=self.lease_seconds)
        return self._lines(run_id, user_id, prompt, difficulty, algorithm_type)

    def _saver(self, user_id: str, prompt: str):
        def save(verified: VerifiedProblem) -> SavedProblem:
            record = ProblemRecord(
                problem_id=str(uuid.uuid4()),
                user_id=user_id,
                created_at=utc_now_iso(),
                prompt=prompt,
                request_id=uuid.uuid4().hex,
                problem=verified.problem,
                verification=verified.verification,
                reference_solution=verified.solution,
            )
            try:
                return SavedProblem(record.problem_id, self.store.save(record))
            except ProblemStoreError as refused:  # retrying cannot help: hand out no dead id
                log.error("Problem %s was refused by the store: %s", record.problem_id, refused)
                return SavedProblem(None, False, persist_error=str(refused))
            except Exception:  # even the local outbox failed: still hand the learner the problem
                log.exception("Problem %s could not be stored anywhere", record.problem_id)
                return SavedProblem(None, False, persist_error="The problem could not be stored.")

        return save

    def _lines(
        self, run_id: str, user_id: str, prompt: str, difficulty: str, algorithm_type: str | None
    ) -> Iterator[str]:
        deadline = RunDeadline(self.deadline_seconds) if self.deadline_seconds else None
        saver = self._saver(user_id, prompt)
        generator = ProblemGenerator(self.model, saver, deadline, self.sandbox)
        stats = GenerationStats()
        started = time.monotonic()
        first_token_at: float | None = None
        outcome = "error"
        STREAMS_ACTIVE.labels(KIND).inc()
        serving = gevent.getcurrent()
        self._serving.add(serving)
        try:
            stream = generator.generate_problem_stream(prompt, difficulty, algorithm_type, stats)
            with closing(stream), self.slot_keeper.hold(run_id):
                for event in stream:
                    if event["type"] == "token" and first_token_at is None:
                        first_token_at = time.monotonic()
                    elif event["type"] == "result":
                        outcome = "success"
                    yield ndjson_line(event["type"], event["payload"])
        except GeneratorExit:
            outcome = "cancelled"  # the client went away; closing the stream closed upstream
            raise
        except WorkerStopping:
            outcome = "aborted"  # the generator unwound, closing the upstream call
            yield ndjson_line(STOPPING["type"], STOPPING["payload"])
        except Exception:
            log.exception("Problem generation %s crashed", run_id)
            failure = events.error("INTERNAL_ERROR", "Something went wrong. Try again.")
            yield ndjson_line(failure["type"], failure["payload"])
        finally:
            self._serving.discard(serving)
            STREAMS_ACTIVE.labels(KIND).dec()
            self.run_slots.release(run_id)
            self._observe(run_id, outcome, started, first_token_at, stats)

    @staticmethod
    def _observe(
        run_id: str,
        outcome: str,
        started: float,
        first_token_at: float | None,
        stats: GenerationStats,
    ) -> None:
        first_ms, total_ms = observe_stream(KIND, outcome, started, first_token_at)
        verification = stats.verification
        if verification is not None:
            repaired = "true" if verification.repaired else "false"
            PROBLEM_VERIFICATIONS.labels(verification.status, repaired).inc()
        log.info(
            "problem stream %s outcome=%s first_token_ms=%s total_ms=%s chars=%d usage=%s"
            " verification=%s verification_ms=%s",
            run_id,
            outcome,
            first_ms,
            total_ms,
            stats.description_chars,
            stats.usage or None,
            verification.status if verification else None,
            verification.runtime_ms if verification else None,
        )
