"""Retrieval: cold index build, per-query latency and recall@3 on the labelled questions.

Prints one JSON object. Run in a fresh process so the first get_index() is really cold
(it loads the course, the Korean analyser's model and builds the BM25 index).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from backend.app.course import get_course
from backend.app.retrieval import get_index, search_theory_materials
from backend.app.retrieval.index import MaterialIndex
from benchmarks.common import percentile

ROUNDS = 20
TOP_K = 3
LABELS_PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "retrieval_labels.json"
P50_BUDGET_MS = 5.0


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Measure the cold build, a warm rebuild, query latency and recall@3, then print them."""
    labels = json.loads(LABELS_PATH.read_text(encoding="utf-8"))["labels"]

    started = time.perf_counter()
    get_index()
    cold_ms = _ms_since(started)

    # The analyser is loaded now, so this is the cost of tokenizing and indexing alone.
    started = time.perf_counter()
    MaterialIndex(get_course().all_materials())
    rebuild_ms = _ms_since(started)

    latencies: list[float] = []
    found = 0
    for round_number in range(ROUNDS):
        for label in labels:
            get_index().clear_search_cache()  # time the search, not the index's memory of it
            started = time.perf_counter()
            hits = search_theory_materials(label["query"], top_k=TOP_K)
            latencies.append(_ms_since(started))
            if round_number == 0:
                found += label["material_id"] in {hit.material_id for hit in hits}

    p50 = percentile(latencies, 0.5)
    print(
        json.dumps(
            {
                "benchmark": "retrieval",
                "materials": len(get_index()),
                "index_build_cold_ms": round(cold_ms, 1),
                "index_rebuild_warm_ms": round(rebuild_ms, 1),
                "queries": len(latencies),
                "rounds": ROUNDS,
                "query_p50_ms": round(p50, 3),
                "query_p99_ms": round(percentile(latencies, 0.99), 3),
                "query_max_ms": round(max(latencies), 3),
                "labelled_queries": len(labels),
                "recall_at_3": round(found / len(labels), 4),
                "p50_within_budget": p50 <= P50_BUDGET_MS,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
