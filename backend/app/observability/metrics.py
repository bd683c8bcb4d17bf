"""Prometheus metrics, aggregated across gunicorn workers in multiprocess mode.

gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers
fork; each worker writes its samples there and `/metrics` merges them all.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
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


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request and record its latency."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def render_metrics() -> tuple[bytes, str]:
    """The exposition text for every worker (or this process alone outside gunicorn)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
