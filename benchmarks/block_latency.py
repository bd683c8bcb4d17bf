"""Block latency: each stream paired with its upstream answer by marker, and the figures."""

from __future__ import annotations

import bisect
import itertools

from benchmarks.common import StreamResult, summary
from benchmarks.lesson_script import CHUNK_DELAY, MARKER, block_end_offsets


def analyze(results: list[StreamResult], records: list[dict]) -> dict:
    """Pair each stream with its upstream answer by marker and compute the latencies."""
    by_marker = {}
    for record in records:
        found = MARKER.search(record["content"][:400]) if record["scripted"] else None
        if found:
            by_marker[found[1]] = record
    kinds = ("latency", "final", "upstream_start", "lateness", "gaps")
    raw: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors, error_kinds, unmatched = 0, {}, 0
    for result in results:
        if result.terminal() != "stream_complete" or result.error:
            errors += 1
            last = result.events[-1][0].get("code") if result.events else "no events"
            kind = str(result.error or last)
            error_kinds[kind] = error_kinds.get(kind, 0) + 1
            continue
        blocks = result.blocks()
        found = MARKER.search(blocks[0][0]["data"].get("title", "")) if blocks else None
        record = by_marker.get(found[1]) if found else None
        ends = block_end_offsets(record["content"]) if record and record["stream"] else []
        if not ends or len(ends) != len(blocks):
            unmatched += 1  # a block was dropped or re-sent: not comparable
            continue
        cumulative = list(itertools.accumulate(length for length, _ in record["chunks"]))
        for end, (_, received) in zip(ends, blocks, strict=True):
            written = record["chunks"][bisect.bisect_right(cumulative, end)][1]
            raw["latency"].append((received - written) * 1000)
        raw["final"].append(raw["latency"][-1])
        raw["upstream_start"].append((record["received_at"] - result.opened_at) * 1000)
    for record in by_marker.values():
        times = [at for _, at in record["chunks"]]
        raw["lateness"] += [(at - times[0] - i * CHUNK_DELAY) * 1000 for i, at in enumerate(times)]
        raw["gaps"] += [(b - a - CHUNK_DELAY) * 1000 for a, b in itertools.pairwise(times)]
    out = level_summary(raw)
    out.update(errors=errors, unmatched=unmatched, _raw=raw)
    if error_kinds:
        out["error_kinds"] = error_kinds
    return out


def level_summary(raw: dict[str, list[float]]) -> dict:
    """The reported figures of one level from its raw samples."""
    return {
        "block_latency_ms": summary(raw["latency"]),
        # The last block of each lesson alone: it also waits for the end-of-run work.
        "final_block_latency_ms": summary(raw["final"]),
        # From opening the stream to the fake receiving its upstream request.
        "upstream_start_ms": summary(raw["upstream_start"]),
        "fake_lateness_ms": summary(raw["lateness"]),
        "fake_gap_excess_ms": summary(raw["gaps"]),
    }


def merge_runs(runs: list[dict]) -> dict:
    """Sequential single-stream runs as one level."""
    raw = {key: [value for run in runs for value in run["_raw"][key]] for key in runs[0]["_raw"]}
    merged = {"streams": 1, "lessons": len(runs), **level_summary(raw)}
    merged["errors"] = sum(run["errors"] for run in runs)
    merged["wall_s"] = max(run["wall_s"] for run in runs)
    merged["cpu_share"] = runs[-1]["cpu_share"]
    return merged
