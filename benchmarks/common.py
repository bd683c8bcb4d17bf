"""What the benchmarks share: the server's settings, logging in, stream results, figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import httpx

SERVER_ENV = {
    "LLM_PROVIDER": "openai",
    "OPENAI_API_KEY": "k",
    "LLM_MAX_RETRIES": "0",
    "RATE_LIMIT_LLM": "1000000/minute",
    "MAX_CONCURRENT_RUNS_PER_USER": "100000",
    "LOG_LEVEL": "WARNING",
    "STREAM_TICKET_TTL_SECONDS": "600",
}


def login(base_url: str, username: str) -> str:
    """Register and log in a user; its access token."""
    account = {"username": username, "password": "benchmark password 1"}
    httpx.post(f"{base_url}/api/v1/auth/register", json=account, timeout=30).raise_for_status()
    response = httpx.post(f"{base_url}/api/v1/auth/login", json=account, timeout=30)
    response.raise_for_status()
    return response.json()["data"]["access_token"]


@dataclass
class StreamResult:
    """What one SSE client saw: each event with the moment its blank line was read."""

    opened_at: float = 0.0
    events: list[tuple[dict, float]] = field(default_factory=list)
    error: str | None = None

    def terminal(self) -> str | None:
        """The type of the last event, if it ended the stream."""
        if self.events and self.events[-1][0].get("type") in ("stream_complete", "stream_error"):
            return self.events[-1][0]["type"]
        return None

    def blocks(self) -> list[tuple[dict, float]]:
        """The theory_block events, in order."""
        return [(e, t) for e, t in self.events if e.get("type") == "theory_block"]


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile (None without samples); every benchmark reports this one."""
    # Nearest rank: the smallest sample with at least `fraction` of the samples at or below
    # it. It is always a latency that was observed (no interpolation between two), so a p99
    # never reads better than the run was, and it is what the block-latency targets and
    # earlier stream_latency figures were stated in.
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(
    values: list[float], quantiles: tuple[float, ...] = (0.5, 0.99), digits: int = 2
) -> dict:
    """p50/p99 (or the `quantiles` asked for) and max in ms, rounded."""
    pick = {f"p{round(q * 100)}": percentile(values, q) for q in quantiles}
    pick["max"] = max(values, default=None)
    return {key: None if value is None else round(value, digits) for key, value in pick.items()}
