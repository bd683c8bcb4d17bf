"""Block previews (DESIGN 4.2.3): their latency, and what they cost the streams beside them.

Prints one JSON object. One `gunicorn -k gevent` worker and the scripted fake OpenAI
server streaming the benchmark lesson (stream_latency.py: 4-character chunks at 50
chunks/s, a unique marker per stream). At each level (1, 100, 200 streams) the same
lessons run twice, previews off then on (`?preview=1`), side by side in one run:

- Preview latency: from the fake writing the chunk that completes a preview's text to the
  client reading that `block_preview` event. For each upstream answer the fake's chunks
  are replayed through the product's own splitter, which gives the preview length after
  each chunk; a preview whose text ends at code point L was written by the first chunk
  after which the block's text had L code points.
- Block latency with previews on against off (block_latency.py's pairing by marker).
- Worker CPU seconds per stream, on against off (target: at most 1.25x).
- What publishing costs (done with previews on or off, for subscribers elsewhere): one
  batch of every run's preview written to the SQLite stream store, as a worker does once
  per interval, timed for 100 and 200 runs.
"""

from __future__ import annotations

import argparse
import bisect
import json
import tempfile
import time
from pathlib import Path

from backend.app.streaming.block_preview import BlockPreview
from backend.app.streaming.block_splitter import BlockSplitter
from backend.app.streaming.preview_publisher import PreviewPublisher
from backend.app.streaming.previews import Preview
from backend.app.streaming.runs import LocalRun
from backend.app.streaming.sqlite import SqliteStreamStore
from backend.app.streaming.text_events import HeldText
from benchmarks.block_latency import analyze
from benchmarks.common import SERVER_ENV, StreamResult, login, summary
from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import CHUNK_CHARS, CHUNK_DELAY, MARKER, lesson_document, marker_of
from benchmarks.lesson_streams import run_streams, start_tickets
from benchmarks.processes import cpu_seconds, worker_pid
from tests.support.live_server import start_live_server

LEVELS = (1, 100, 200)
TARGETS = {"preview_p50_ms": 60.0, "preview_p99_ms": 120.0, "cpu_ratio": 1.25}


def preview_lengths(record: dict) -> dict[int, tuple[list[int], list[float]]]:
    """Per block id: the preview's length in code points after each chunk, and its time."""
    splitter, position, out = BlockSplitter(), 0, {}
    content = record["content"]
    for length, written_at in record["chunks"]:
        splitter.feed(content[position : position + length])
        position += length
        preview = splitter.preview
        if preview is not None:
            lengths, times = out.setdefault(preview.attempt, ([], []))
            lengths.append(preview.length)
            times.append(written_at)
    return out


def preview_latencies(results: list[StreamResult], records: list[dict]) -> list[float]:
    """Milliseconds from the fake writing each preview's last character to its arrival."""
    by_marker = {}
    for record in records:
        found = MARKER.search(record["content"][:400]) if record["scripted"] else None
        if found:
            by_marker[found[1]] = record
    latencies = []
    for result in results:
        blocks = result.blocks()
        found = MARKER.search(blocks[0][0]["data"].get("title", "")) if blocks else None
        if found is None or found[1] not in by_marker:
            continue
        written = preview_lengths(by_marker[found[1]])
        for event, received in result.events:
            if event.get("type") != "block_preview" or not event["text"]:
                continue
            lengths, times = written[event["block_id"]]  # every block of the lesson is valid
            end = event["offset"] + len(event["text"])
            latencies.append((received - times[bisect.bisect_left(lengths, end)]) * 1000)
    return latencies


def measure(server, fake, token: str, worker: int, level: int, run: int, previews: bool) -> dict:
    """`level` concurrent lessons, previews on or off: latencies and worker CPU per stream."""
    documents = [lesson_document(marker_of(i, level, run)) for i in range(level)]
    tickets = start_tickets(server.base_url, token, level)
    fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
    cpu_before = cpu_seconds(worker)
    results = run_streams(server.base_url, tickets, query="?preview=1" if previews else "")
    cpu = cpu_seconds(worker) - cpu_before
    fake.call("wait_idle", 30)
    records, _ = fake.call("take_records")
    out = analyze(results, records)
    out.pop("_raw", None)
    out = {key: out[key] for key in ("block_latency_ms", "final_block_latency_ms", "errors")}
    out["worker_cpu_ms_per_stream"] = round(cpu * 1000 / level, 1)
    if previews:
        latencies = preview_latencies(results, records)
        out["preview_latency_ms"] = summary(latencies)
        out["previews_per_stream"] = round(len(latencies) / level, 1)
    return out


def publishing_cost(data_dir: Path, runs: int, batches: int = 40) -> dict:
    """Milliseconds per batch writing `runs` changed previews to SQLite, and per second."""
    store = SqliteStreamStore(data_dir / "publish.db", max_events=10, retention_seconds=60)
    local = {f"run-{n}": LocalRun(None, HeldText(10, None)) for n in range(runs)}
    sources = {run_id: BlockPreview(1) for run_id in local}
    for run_id, run_state in local.items():
        run_state.preview = Preview(2, sources[run_id])
        sources[run_id].feed('{"block_type": "section", "data": {"content": "')
    publisher = PreviewPublisher(store, local, interval=0.05, ttl=30)
    took = []
    for _ in range(batches):
        for source in sources.values():
            source.feed("변수는 값을 담아 두는 이름표예요. ")  # every preview changed
        began = time.perf_counter()
        publisher.publish_once()
        took.append((time.perf_counter() - began) * 1000)
    batch = summary(took)
    return {"batch_ms": batch, "cpu_ms_per_second_at_20_batches": round(batch["p50"] * 20, 1)}


def run(data_dir: Path, levels: tuple[int, ...]) -> dict:
    """Every level, previews off then on, against one worker."""
    fake = FakeProcess()
    server = None
    try:
        fake.call("default", "[]")
        env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
        server = start_live_server(data_dir, workers=1, env=env)
        worker = worker_pid(server.process.pid)
        token = login(server.base_url, "bench_previews")
        measure(server, fake, token, worker, 1, 0, True)  # warm-up
        out = {}
        for run_number, level in enumerate(levels, start=1):
            off = measure(server, fake, token, worker, level, run_number * 2, False)
            on = measure(server, fake, token, worker, level, run_number * 2 + 1, True)
            ratio = on["worker_cpu_ms_per_stream"] / max(off["worker_cpu_ms_per_stream"], 0.1)
            out[str(level)] = {"off": off, "on": on, "cpu_ratio_on_to_off": round(ratio, 2)}
        if worker_pid(server.process.pid) != worker:
            raise RuntimeError("the gunicorn worker was replaced during the run")
        return out
    finally:
        if server is not None:
            server.stop()
        fake.stop()


def main() -> None:
    """Measure and print the JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    args = parser.parse_args()
    levels = tuple(int(level) for level in args.levels.split(","))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(Path(tmp), levels)
        publishing = {str(n): publishing_cost(Path(tmp), n) for n in (100, 200)}
    at_100 = figures.get("100")
    targets = None
    if at_100:
        preview = at_100["on"]["preview_latency_ms"]
        targets = {
            "c100_preview_p50_le_60ms": (preview["p50"] or 1e9) <= TARGETS["preview_p50_ms"],
            "c100_preview_p99_le_120ms": (preview["p99"] or 1e9) <= TARGETS["preview_p99_ms"],
            "c100_cpu_ratio_le_1_25": at_100["cpu_ratio_on_to_off"] <= TARGETS["cpu_ratio"],
        }
    print(
        json.dumps(
            {
                "benchmark": "previews",
                "pace_chunks_per_s": round(1 / CHUNK_DELAY),
                "preview_interval_ms": 50,
                "levels": figures,
                "publishing_sqlite": publishing,
                "targets_met": targets,
                "seconds": round(time.monotonic() - started),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
