"""Prometheus metrics, aggregated across gunicorn workers in multiprocess mode.

gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers
fork; each worker writes its samples there and `/metrics` merges them all.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_REQUESTS = Counter(
    "tutor_http_requests_total",
    "HTTP requests served, by method, route and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "tutor_http_request_duration_seconds",
    "Time to produce the response (streams: time to the first byte).",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


# `kind` on stream metrics: "theory" (lessons), "qna" (answers), "problem" (generated
# problems), as the stream services name themselves.
TIME_TO_FIRST_BLOCK = Histogram(
    "tutor_time_to_first_block_seconds",
    "From the arrival of the request that asked for a stream (session/start or"
    " session/message) to its first block written to the client (lesson: theory_block;"
    " answer: qna_token), wall clock.",
    ["kind"],
    buckets=(0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20, 30),
)
STREAM_FIRST_BLOCK = Histogram(
    "tutor_stream_first_block_seconds",
    "Producer side: from a run's start to its first content event (the model's share).",
    ["kind"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30),
)
STREAM_DURATION = Histogram(
    "tutor_stream_duration_seconds",
    "Time from a stream's start to its terminal event.",
    ["kind"],
    buckets=(0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120),
)
STREAM_OUTCOMES = Counter(
    "tutor_stream_outcomes_total",
    "Finished streams by outcome: success, fallback, error, cancelled, aborted.",
    ["kind", "outcome"],
)
STREAM_INVALID_BLOCKS = Counter(
    "tutor_stream_invalid_blocks_total",
    "Blocks from the model that failed their schema and were skipped.",
    ["kind"],
)
STREAM_TRIMMED_BLOCKS = Counter(
    "tutor_stream_trimmed_blocks_total",
    "Blocks from the model over a size cap (items, text length), cut to it and kept.",
    ["kind", "block_type"],
)
STREAMS_ACTIVE = Gauge(
    "tutor_streams_active",
    "Streams being produced right now, summed over live workers.",
    ["kind"],
    multiprocess_mode="livesum",
)
FEEDBACK = Counter(
    "tutor_feedback_total",
    "Learner feedback on lessons and answers, by target and rating (up or down).",
    ["target", "rating"],
)
LESSONS_STARTED = Counter(
    "tutor_lessons_started_total",
    "Streamed lessons asked for (session/start with streaming, next and easier lessons):"
    " the denominator of the fallback rate.",
)
LESSON_FALLBACKS = Counter(
    "tutor_lesson_fallbacks_total",
    "Lessons that needed a fallback, by reason (see FALLBACK_REASONS).",
    ["reason"],
)
PROBLEM_VERIFICATIONS = Counter(
    "tutor_problem_verifications_total",
    "Generated problems by what running the reference solution on their examples showed"
    " (passed, failed, skipped) and whether a repair call was needed.",
    ["status", "repaired"],
)
SANDBOX_RUN_SECONDS = Histogram(
    "tutor_sandbox_run_seconds",
    "Wall-clock time of one sandboxed run of a reference solution on one input, by outcome"
    " (ok: exited 0; error: exited otherwise; timeout: killed at the wall-clock limit).",
    ["outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# preparation: session/start could not prepare the stream and answered synchronously;
# upstream_before_first_block: the model failed before the first block (fallback_mode
# "sync"); continuation: it failed after some blocks and the rest was asked for apart;
# takeover: the run's worker died and another worker or host continued it; client: the
# client gave up on a stream and asked for the synchronous lesson (`fallback_from`).
FALLBACK_REASONS = (
    "preparation",
    "upstream_before_first_block",
    "continuation",
    "takeover",
    "client",
)

# Series that exist from the start, at 0, so rates and ratios are 0 rather than absent
# (a counter that first appears at 1 shows no increase to rate()).
for _kind in ("theory", "qna"):
    # Histograms too: the dashboard's quantiles are rates of their buckets.
    for _histogram in (TIME_TO_FIRST_BLOCK, STREAM_FIRST_BLOCK, STREAM_DURATION):
        _histogram.labels(_kind)
    for _outcome in ("success", "fallback", "error", "cancelled", "aborted"):
        STREAM_OUTCOMES.labels(_kind, _outcome)
for _reason in FALLBACK_REASONS:
    LESSON_FALLBACKS.labels(_reason)
for _status in ("passed", "failed", "skipped"):
    for _repaired in ("true", "false"):
        PROBLEM_VERIFICATIONS.labels(_status, _repaired)
for _outcome in ("ok", "error", "timeout"):
    SANDBOX_RUN_SECONDS.labels(_outcome)
for _target in ("lesson", "answer"):
    for _rating in ("up", "down"):
        FEEDBACK.labels(_target, _rating)


def observe_stream(
    kind: str, outcome: str, started_at: float | None, first_content_at: float | None
) -> tuple[int | None, int | None]:
    """Count a finished stream (outcome, duration, time to first content; monotonic times).

    Returns (first_content_ms, total_ms) for the stream's log line; None where unknown
    (a run wrapped up by another worker has no start time here).
    """
    STREAM_OUTCOMES.labels(kind, outcome).inc()
    if not started_at:
        return None, None
    total = time.monotonic() - started_at
    STREAM_DURATION.labels(kind).observe(total)
    first_ms = None
    if first_content_at is not None:
        STREAM_FIRST_BLOCK.labels(kind).observe(first_content_at - started_at)
        first_ms = round((first_content_at - started_at) * 1000)
    return first_ms, round(total * 1000)


def count_lesson_started() -> None:
    """Count a streamed lesson asked for (the fallback rate's denominator)."""
    LESSONS_STARTED.inc()


def count_lesson_fallback(reason: str) -> None:
    """Count a lesson that needed a fallback, for one of FALLBACK_REASONS."""
    if reason not in FALLBACK_REASONS:
        raise ValueError(f"unknown fallback reason: {reason!r}")
    LESSON_FALLBACKS.labels(reason).inc()


# Methods get a label of their own; any other word a client sends counts as OTHER, since
# each new label value is a new series in every worker's files, kept until restart.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request and record its latency (`route`: the URL rule, not the path)."""
    method = method if method in KNOWN_METHODS else "OTHER"
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def render_metrics() -> tuple[bytes, str]:
    """The exposition text for every worker (or this process alone outside gunicorn)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
