"""Many hosts: Redis against SQLite streams, Redis round trips, cross-host delivery, takeover.

`python -m benchmarks.many_hosts [--runs N]` prints one JSON object. Every server runs on a
free 127.0.0.1 port and is stopped by its process id at the end.

1. Block latency p50/p99 at 1, 100 and 200 concurrent lessons on one gevent worker against
   the fake model at 50 chunks/s (stream_latency's definition), SQLite stream store beside
   the Redis one (REDIS_URL to a private redis-server), the two measured in turns
   (many_hosts_levels). Targets: Redis p99 <= 20 ms at 100 and <= 30 ms at 200 streams,
   Redis p50 within 2 ms of SQLite at every level.
2. During the 100- and 200-stream Redis levels: Redis commands per delivered event (INFO
   stats, without the probe's own commands and net of the idle background rate) and the
   most client connections the worker held (CLIENT LIST, probe excluded), beside the
   per-worker pool bound REDIS_MAX_CONNECTIONS.
3. Delivery across hosts at 100 streams: produced on host A, read on host B
   (many_hosts_pair). Target p50 <= 5 ms, p99 <= 25 ms.
4. Takeover: host A SIGKILLed mid-lesson, time to the next block on B (target <= lease +
   2 s), and the same after SIGTERM to A's master (a handover: about 1-2 s).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from backend.app.config import Settings
from benchmarks.lesson_script import CHUNK_DELAY, block_end_offsets, lesson_document, marker_of
from benchmarks.many_hosts_levels import compare
from benchmarks.many_hosts_pair import measure_pair

TARGETS_MS = {"redis_p99_c100": 20.0, "redis_p99_c200": 30.0, "p50_gap": 2.0}
CROSS_HOST_TARGETS_MS = {"p50": 5.0, "p99": 25.0}
HANDOVER_TARGET_S = 2.0  # beyond the lease for a takeover after SIGKILL
SIGTERM_EXPECTED_S = 2.0


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


def targets(levels: dict, pair: dict) -> dict:
    """Each target as a pass/fail boolean."""
    met = {
        "redis_c100_p99_le_20ms": _at_most(
            levels["100"]["redis"]["p99_ms"], TARGETS_MS["redis_p99_c100"]
        ),
        "redis_c200_p99_le_30ms": _at_most(
            levels["200"]["redis"]["p99_ms"], TARGETS_MS["redis_p99_c200"]
        ),
    }
    for level, row in levels.items():
        gap = row["p50_redis_minus_sqlite_ms"]
        met[f"c{level}_redis_p50_within_2ms_of_sqlite"] = gap <= TARGETS_MS["p50_gap"]
    cross = pair["cross_host"]["block_latency_ms"]
    met["cross_host_c100_p50_le_5ms"] = _at_most(cross["p50"], CROSS_HOST_TARGETS_MS["p50"])
    met["cross_host_c100_p99_le_25ms"] = _at_most(cross["p99"], CROSS_HOST_TARGETS_MS["p99"])
    takeover = pair["takeover"]
    limit = takeover["lease_s"] + HANDOVER_TARGET_S
    met["sigkill_takeover_le_lease_plus_2s"] = all(
        _at_most(trial["seconds"], limit) and trial["taken_over"] for trial in takeover["sigkill"]
    )
    met["sigterm_handover_le_2s"] = all(
        _at_most(trial["seconds"], SIGTERM_EXPECTED_S) and trial["taken_over"]
        for trial in takeover["sigterm"]
    )
    return met


def main() -> None:
    """Run every measurement and print the JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="turns of both backends per level")
    parser.add_argument("--kills", type=int, default=3, help="takeovers after SIGKILL")
    parser.add_argument("--terms", type=int, default=3, help="handovers after SIGTERM")
    args = parser.parse_args()
    started, load_at_start = time.monotonic(), round(os.getloadavg()[0], 1)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("levels", "pair"):
            (Path(tmp) / name).mkdir()
        side_by_side = compare(Path(tmp) / "levels", args.runs)
        pair = measure_pair(Path(tmp) / "pair", args.kills, args.terms)
    takeover = pair["takeover"]
    takeover["sigkill_target_s"] = takeover["lease_s"] + HANDOVER_TARGET_S
    takeover["sigterm_expected_s"] = SIGTERM_EXPECTED_S
    document = lesson_document(marker_of(0, 0, 0))
    result = {
        "benchmark": "many_hosts",
        "runs": args.runs,
        "pace_chunks_per_s": round(1 / CHUNK_DELAY),
        "blocks_per_lesson": len(block_end_offsets(document)),
        "worker_per_server": 1,
        # Other work on the machine skews every figure: the load beside the CPU count.
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_1m_at_start": load_at_start,
            "loadavg_1m_at_end": round(os.getloadavg()[0], 1),
        },
        "side_by_side_ms": side_by_side["levels"],
        "redis_round_trips": side_by_side["redis"],
        "redis_max_connections_per_worker": Settings().REDIS_MAX_CONNECTIONS,
        "cross_host": pair["cross_host"],
        "takeover": takeover,
        "targets_met": targets(side_by_side["levels"], pair),
        "runs_detail": side_by_side["runs"],
        "total_s": round(time.monotonic() - started),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
