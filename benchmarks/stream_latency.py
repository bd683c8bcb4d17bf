"""Theory-lesson streaming through the real product: block latency, capacity and TTFT.

Prints one JSON object. A live `gunicorn -k gevent` with one worker talks to the scripted
fake OpenAI server, which streams a lesson (a JSON array of blocks with Korean text) in
4-character chunks at 50 chunks/s. The SSE clients are one light single-threaded client
(light_client.py): client threads cost enough CPU to distort the figures.

- Block latency: from the fake writing the chunk that holds a block's closing brace to the
  client reading the end of that block's `theory_block` event (both clocks are
  time.monotonic(), which is one clock for every process on Linux). Each stream's lesson
  carries a unique marker in its header title, so upstream requests are matched to the
  streams by content, not by arrival order.
  The last block of each lesson is also shown alone (it shares its chunk with the end of
  the answer, so it waits for the end-of-run work), and so is the time from opening a
  stream to the fake receiving its upstream request.
- Beside it, the fake's own lateness (chunk i is due at the first chunk + i * 20 ms, and a
  late writer catches up) and the excess of each gap between chunks over 20 ms, since
  the fake, the clients and the server share the machine; and each process's CPU share.
  The fake runs in a child process of its own, on gevent (fake_llm_server.py): with a
  thread per stream it could not hold the pace of 200 streams and wrote in bunches.
- Capacity: 200 concurrent streams on the one worker (errors, p99, worker RSS per stream)
  and the knee: the smallest level whose p99 passes 50 ms.
- TTFT: the offline model at its default rate, streamed (first block, stream_complete)
  against the synchronous lesson.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks.common import SERVER_ENV, StreamResult, cpu_seconds, login, summary, worker_pid
from benchmarks.fake_process import FakeProcess
from benchmarks.light_client import http_request, run_requests, sse_events
from tests.support.live_server import start_live_server

CHUNK_CHARS = 4
CHUNK_DELAY = 0.02
CHUNKS_PER_SECOND = round(1 / CHUNK_DELAY)
KNEE_LEVELS = (50, 100, 150, 200, 300)
CAPACITY_STREAMS = 200
REPORTED_LEVELS = (100, CAPACITY_STREAMS)
KNEE_P99_MS = 50.0
SINGLE_STREAM_LESSONS = 2  # sequential lessons at concurrency 1, for enough samples
TARGETS_MS = {"p50_c1_c100": 5.0, "p99_c1_c100": 20.0, "p99_c200": 50.0}
STREAM_TIMEOUT = httpx.Timeout(120.0, connect=30.0)
START_BODY = {"chapter_number": 2, "section_number": 1, "user_message": "시작"}
MARKER = re.compile(r"\[(bench-[0-9-]+)\]")
OFFLINE_ENV = {
    **SERVER_ENV,
    "LLM_PROVIDER": "offline",
    "OFFLINE_LLM_TOKENS_PER_SECOND": "40",
}

# --- the scripted lesson --------------------------------------------------------------

_INTRO = (
    "안녕하세요! 이번 시간에는 프로그램이 값을 기억하는 방법인 변수에 대해 알아볼 거예요. "
    "변수는 값을 담아 두는 이름표 같은 것이라서, 한 번 이름을 붙여 두면 나중에 그 이름으로 "
    "언제든지 값을 다시 꺼내 쓸 수 있어요. 처음에는 낯설 수 있지만 천천히 따라오면 금방 "
    "익숙해질 거예요. 오늘 배운 내용은 다음 시간의 조건문과 반복문에서도 계속 쓰인답니다."
)
_DEFINITION = (
    "변수(variable)는 컴퓨터 메모리의 한 칸에 이름을 붙인 것이에요. 예를 들어 "
    "`score = 90`이라고 쓰면 score라는 이름의 칸에 90이 저장되고, print(score)를 "
    "실행하면 90이 출력돼요. 같은 이름에 새 값을 넣으면 이전 값은 사라지고 새 값으로 바뀝니다."
)
_COMPARISON = (
    "변수는 이름표가 붙은 서랍과 같아요. 서랍에 물건을 넣어 두고 이름표만 보면 "
    "어디에 무엇이 있는지 바로 찾을 수 있죠."
)
_DETAILS = (
    "서랍의 이름표 = 변수 이름",
    "서랍 속 물건 = 변수에 저장된 값",
    "물건을 바꿔 넣기 = 변수에 새 값을 대입하기",
)
_ITEMS = (
    (
        "게임 점수",
        "게임에서 현재 점수를 score 변수에 저장하고 득점할 때마다 더해요.",
        "점수가 바뀌어도 같은 이름으로 계속 관리할 수 있어요.",
    ),
    (
        "쇼핑몰 장바구니",
        "담은 상품의 개수를 count 변수에 기록해 화면 위쪽에 보여 줘요.",
        "여러 화면에서 같은 값을 함께 쓸 수 있어요.",
    ),
    (
        "날씨 앱",
        "오늘 기온을 temperature 변수에 담아 옷차림을 추천하는 데 써요.",
        "값 하나로 여러 계산을 할 수 있어요.",
    ),
)


def lesson_blocks(marker: str) -> list[dict]:
    """Eight blocks of realistic size; the header title carries `marker`."""
    header = {
        "block_type": "header",
        "data": {"chapter_info": "📚 2챕터 1섹션", "title": f"변수와 값 다루기 [{marker}]"},
    }
    intro = {"block_type": "section", "data": {"type": "introduction", "content": _INTRO}}

    def definition(n: int) -> dict:
        analogy = {
            "concept": "이름표가 붙은 서랍",
            "comparison": _COMPARISON,
            "details": list(_DETAILS),
        }
        data = {
            "type": "definition",
            "title": f"핵심 개념 {n}: 변수",
            "content": _DEFINITION,
            "analogy": analogy,
        }
        return {"block_type": "section", "data": data}

    def examples(n: int) -> dict:
        items = [{"category": c, "description": d, "benefit": b} for c, d, b in _ITEMS]
        data = {"type": "examples", "title": f"생활 속 예시 {n}", "items": items}
        return {"block_type": "section", "data": data}

    closing = {"block_type": "section", "data": {"type": "introduction", "content": _INTRO}}
    return [
        header,
        intro,
        definition(1),
        examples(1),
        definition(2),
        examples(2),
        definition(3),
        closing,
    ]


def lesson_document(marker: str) -> str:
    """The model's answer: the blocks as one JSON array."""
    return json.dumps(lesson_blocks(marker), ensure_ascii=False)


def block_end_offsets(document: str) -> list[int]:
    """The offset of the last character (closing brace) of every top-level array element."""
    decoder = json.JSONDecoder()
    position = document.index("[") + 1
    ends = []
    while True:
        while document[position] in " \t\r\n,":
            position += 1
        if document[position] == "]":
            return ends
        _, end = decoder.raw_decode(document, position)
        ends.append(end - 1)
        position = end


# --- the product's API ----------------------------------------------------------------


def start_tickets(base_url: str, token: str, count: int) -> list[str]:
    """`count` lesson tickets from session/start (streaming)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:

        def one(_: int) -> str:
            response = client.post("/api/v1/learning/session/start", json=START_BODY)
            response.raise_for_status()
            flow = response.json()["data"]["workflow_response"]
            if not flow.get("streaming"):
                raise RuntimeError(f"session/start did not stream: {flow}")
            return flow["temp_session_id"]

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))


def run_streams(base_url: str, tickets: list[str]) -> list[StreamResult]:
    """Open every ticket's stream at once and read them all to the end (one light client)."""
    port = int(base_url.rsplit(":", 1)[1])
    requests = [
        http_request("GET", f"/api/v1/learning/theory-stream/{t}", {"Accept": "text/event-stream"})
        for t in tickets
    ]
    results = []
    for capture in run_requests(port, requests, timeout=STREAM_TIMEOUT.read * 2):
        result = StreamResult(opened_at=capture.sent_at, error=capture.error)
        if capture.status() != 200:
            result.error = result.error or f"HTTP {capture.status()}"
        else:
            result.events = sse_events(capture)
        results.append(result)
    return results


# --- measuring ------------------------------------------------------------------------


def marker_of(index: int, level: int, run: int) -> str:
    """A marker no other stream of the whole benchmark uses."""
    return f"bench-{level}-{run}-{index:04d}"


def measure_level(
    server, fake: FakeProcess, token: str, level: int, run: int, worker: int, *, rss: bool = False
) -> dict:
    """`level` concurrent streams: latencies, fake lateness, errors, worker CPU (and RSS)."""
    documents = [lesson_document(marker_of(i, level, run)) for i in range(level)]
    tickets = start_tickets(server.base_url, token, level)
    fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
    sampler = RssSampler(worker) if rss else None
    if sampler:
        sampler.start()
    pids = {"worker": worker, "fake": fake.process.pid, "clients": os.getpid()}
    cpu_before, started = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.monotonic()
    results = run_streams(server.base_url, tickets)
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    if sampler:
        sampler.stop()
    fake.call("wait_idle", 30)  # every upstream answer has been recorded in full
    records, pending = fake.call("take_records")
    out = analyze(results, records)
    out.update(streams=level, wall_s=round(wall, 1))
    # Each process's CPU time over the run's wall time (1.0 = one core busy throughout).
    out["cpu_share"] = {name: round(seconds / wall, 2) for name, seconds in cpu.items()}
    if out.pop("unmatched") or pending or len(records) != level:
        # Some stream could not be paired with exactly one upstream answer: say so.
        out.update(upstream_requests=len(records), scripts_left=pending)
    if sampler:
        out["worker_rss_mb_before"] = round(sampler.before_kb / 1024, 1)
        out["worker_rss_mb_peak"] = round(sampler.peak_kb / 1024, 1)
        out["rss_kb_per_stream"] = round((sampler.peak_kb - sampler.before_kb) / level, 1)
    return out


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


def rss_kb(pid: int) -> int:
    """VmRSS of a process in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class RssSampler:
    """The worker's RSS before a run and its peak during it (sampled every 100 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before_kb = rss_kb(pid)
        self.peak_kb = self.before_kb
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, rss_kb(self.pid))

    def start(self) -> None:
        """Start sampling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (after one last sample)."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak_kb = max(self.peak_kb, rss_kb(self.pid))


# --- TTFT with the offline model ------------------------------------------------------


def measure_ttft(data_dir: Path) -> dict:
    """Offline model at 40 tokens/s: first block and stream_complete vs the sync lesson."""
    server = start_live_server(data_dir, workers=1, env=OFFLINE_ENV)
    try:
        token = login(server.base_url, "ttft_user")
        (ticket,) = start_tickets(server.base_url, token, 1)
        (result,) = run_streams(server.base_url, [ticket])
        if result.terminal() != "stream_complete":
            raise RuntimeError(f"offline stream failed: {result.error} {result.events[-1:]}")
        first_block = result.blocks()[0][1] - result.opened_at
        complete = result.events[-1][1] - result.opened_at
        headers = {"Authorization": f"Bearer {token}"}
        started = time.monotonic()
        response = httpx.post(
            f"{server.base_url}/api/v1/learning/session/start",
            json={**START_BODY, "streaming": False},
            headers=headers,
            timeout=120,
        )
        sync = time.monotonic() - started
        response.raise_for_status()
        flow = response.json()["data"]["workflow_response"]
        if flow.get("streaming"):
            raise RuntimeError("the synchronous lesson came back as a stream")
    finally:
        server.stop()
    return {
        "tokens_per_second": 40,
        "blocks": len(result.blocks()),
        "first_block_ms": round(first_block * 1000, 1),
        "stream_complete_ms": round(complete * 1000, 1),
        "sync_lesson_ms": round(sync * 1000, 1),
        "ratio_sync_to_first_block": round(sync / first_block, 1),
    }


# --- the run --------------------------------------------------------------------------


def _merge(runs: list[dict]) -> dict:
    """Sequential single-stream runs as one level."""
    raw = {key: [value for run in runs for value in run["_raw"][key]] for key in runs[0]["_raw"]}
    merged = {"streams": 1, "lessons": len(runs), **level_summary(raw)}
    merged["errors"] = sum(run["errors"] for run in runs)
    merged["wall_s"] = max(run["wall_s"] for run in runs)
    merged["cpu_share"] = runs[-1]["cpu_share"]
    return merged


def measure_fake_levels(data_dir: Path) -> tuple[dict[str, dict], int | None]:
    """Every concurrency level against the fake; the knee (None when no level passed 50 ms)."""
    fake = FakeProcess()
    server = None
    try:
        fake.call("default", "[]")  # a request no script was queued for gets no blocks
        env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
        server = start_live_server(data_dir, workers=1, env=env)
        worker = worker_pid(server.process.pid)
        token = login(server.base_url, "bench_streams")
        levels: dict[str, dict] = {}

        def measure(level: int, run: int = 0, *, rss: bool = False) -> dict:
            return measure_level(server, fake, token, level, run, worker, rss=rss)

        # Concurrency 1: lessons one after another; the first only warms the worker up.
        warm_up = measure(1, 0)
        if warm_up["errors"]:
            raise RuntimeError(f"the warm-up lesson failed: {warm_up}\n{server.log()[-3000:]}")
        levels["1"] = _merge([measure(1, run) for run in range(1, SINGLE_STREAM_LESSONS + 1)])
        # Capacity on a worker that no bigger run has grown yet, then the knee levels up
        # to the first that passes 50 ms (and the reported ones).
        levels[str(CAPACITY_STREAMS)] = measure(CAPACITY_STREAMS, rss=True)
        knee = None
        for level in KNEE_LEVELS:
            if str(level) not in levels:
                if knee is not None and level not in REPORTED_LEVELS:
                    continue  # the knee is known and nobody asked for this level
                levels[str(level)] = measure(level)
            measured = levels[str(level)]
            p99 = measured["block_latency_ms"]["p99"]
            if knee is None and (measured["errors"] or p99 is None or p99 > KNEE_P99_MS):
                knee = level
        if any(measured["errors"] for measured in levels.values()):
            tail = server.log()[-3000:].strip() or "(nothing at this log level)"
            print(f"Some streams failed; the server's log ends with:\n{tail}", file=sys.stderr)
        if worker_pid(server.process.pid) != worker:
            raise RuntimeError("the gunicorn worker was replaced during the run")
    finally:
        if server is not None:
            server.stop()
        fake.stop()
    for measured in levels.values():
        measured.pop("_raw", None)
    return dict(sorted(levels.items(), key=lambda item: int(item[0]))), knee


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


def main() -> None:
    """Run every measurement and print the JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ttft", action="store_true", help="leave out the offline TTFT run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("streams", "offline"):
            (Path(tmp) / name).mkdir()
        levels, knee = measure_fake_levels(Path(tmp) / "streams")
        ttft = None if args.skip_ttft else measure_ttft(Path(tmp) / "offline")

    one, hundred, capacity = levels["1"], levels["100"], levels[str(CAPACITY_STREAMS)]
    p50_limit, p99_limit = TARGETS_MS["p50_c1_c100"], TARGETS_MS["p99_c1_c100"]
    targets = {
        "c1_p50_le_5ms": _at_most(one["block_latency_ms"]["p50"], p50_limit),
        "c1_p99_le_20ms": _at_most(one["block_latency_ms"]["p99"], p99_limit),
        "c100_p50_le_5ms": _at_most(hundred["block_latency_ms"]["p50"], p50_limit),
        "c100_p99_le_20ms": _at_most(hundred["block_latency_ms"]["p99"], p99_limit),
        "c200_no_errors": capacity["errors"] == 0,
        "c200_p99_le_50ms": _at_most(capacity["block_latency_ms"]["p99"], TARGETS_MS["p99_c200"]),
    }
    document = lesson_document(marker_of(0, 0, 0))
    highest = max(int(level) for level in levels)
    result = {
        "benchmark": "stream_latency",
        "pace_chunks_per_s": CHUNKS_PER_SECOND,
        "chunk_chars": CHUNK_CHARS,
        "blocks_per_lesson": len(block_end_offsets(document)),
        "lesson_chars": len(document),
        "lesson_seconds_scheduled": round(-(-len(document) // CHUNK_CHARS) * CHUNK_DELAY, 1),
        "concurrency": levels,
        "knee_p99_over_50ms": knee if knee is not None else f"none up to {highest}",
        "ttft_offline": ttft,
        "targets_met": targets,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
