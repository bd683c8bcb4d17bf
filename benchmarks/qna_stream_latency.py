"""Streamed answers through the real product: qna_token delivery latency.

Prints one JSON object. A live `gunicorn -k gevent` with one worker talks to the scripted
fake OpenAI server (in a child process), which streams each answer in 4-character chunks
at 50 chunks/s; the SSE clients are one light, single-threaded client (light_client.py).

Latency: from the fake writing a chunk to the client reading the `qna_token` event that
carries it (time.monotonic() is one clock for every process on Linux). Chunks that
reach the server in one loop turn share one event, so each chunk is paired with the
event that carried its last character; streams are paired with their upstream requests
by a marker in the answer's text. Levels: 1 answer at a time (a few in a row)
and 100 concurrent answers on the one worker, all opened at the same instant. An answer
is about 500 characters (the 3-8 sentences the QnA prompt asks for), about 130 chunks.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import SERVER_ENV, StreamResult, login, summary
from benchmarks.fake_process import FakeProcess
from benchmarks.light_client import http_request, run_requests, sse_events
from benchmarks.processes import cpu_seconds, worker_pid
from benchmarks.token_pairing import streamed_by_marker, token_latencies_ms
from tests.support.lessons import LESSON
from tests.support.live_server import start_live_server

CHUNK_CHARS = 4
CHUNK_DELAY = 0.02
SEQUENTIAL_RUNS = 3
TARGETS_MS = {"p50": 5.0, "p99": 20.0}
MARKER = re.compile(r"\[(qbench-[0-9-]+)\]")
INTENT = json.dumps({"intent": "question", "reason": ""})
QUESTION = "임베딩은 왜 벡터로 표현하나요?"
ANSWER = (
    "좋은 질문이에요! 임베딩은 단어나 문장의 의미를 숫자 벡터로 나타낸 것이에요. [{marker}] "
    "벡터로 표현하면 의미가 비슷한 것끼리 공간에서 가까이 놓이므로, 두 벡터 사이의 거리나 "
    "코사인 유사도로 의미가 얼마나 닮았는지 계산할 수 있어요. 검색 증강 생성(RAG)에서는 "
    "질문과 문서를 같은 공간에 임베딩한 뒤 가장 가까운 문서를 찾아 모델에게 근거로 건네줘요. "
    "그래서 임베딩의 품질이 검색 품질을 좌우한답니다. 예를 들어 '강아지'와 '반려견'은 글자는 "
    "달라도 의미가 비슷해서 벡터 공간에서 가까운 자리에 놓여요. 반대로 '강아지'와 '주식 시장'은 "
    "멀리 떨어져 있겠죠. 이런 성질 덕분에 키워드가 정확히 일치하지 않아도 뜻이 통하는 문서를 "
    "찾을 수 있어요. 다만 임베딩 모델이 학습한 데이터와 분야가 다르면 가까움이 곧 관련성이 "
    "아닐 수도 있으니, 검색 결과를 한 번 더 확인하는 습관을 들이면 좋아요.\n\n"
    "참고: 「임베딩의 개념」, 「RAG의 구조」"
)


def prepare_tickets(base_url: str, token: str, fake: FakeProcess, count: int) -> list[str]:
    """`count` answer tickets, one session each (made one after another: the fake's
    scripts are taken in arrival order)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        sessions = []
        for _ in range(count):  # whole lessons from the fake's default reply
            body = {"chapter_number": 2, "section_number": 1, "streaming": False}
            response = client.post("/api/v1/learning/session/start", json=body)
            response.raise_for_status()
            sessions.append(response.json()["data"]["session_info"]["session_id"])
        tickets = []
        for session_id in sessions:
            fake.call("script", [INTENT], 1000, 0)
            body = {"session_id": session_id, "user_message": QUESTION}
            response = client.post("/api/v1/learning/session/message", json=body)
            response.raise_for_status()
            flow = response.json()["data"]["workflow_response"]
            if not flow.get("streaming"):
                raise RuntimeError(f"the question was not streamed: {flow}")
            tickets.append(flow["temp_session_id"])
    return tickets


def run_answers(port: int, tickets: list[str]) -> list[StreamResult]:
    """Open every answer stream at once and read them all to the end (one light client)."""
    requests = [http_request("GET", f"/api/v1/learning/qna-stream/{t}", {}) for t in tickets]
    results = []
    for capture in run_requests(port, requests):
        result = StreamResult(opened_at=capture.sent_at, error=capture.error)
        result.events = sse_events(capture)
        results.append(result)
    return results


def analyze(results: list[StreamResult], records: list[dict]) -> dict:
    """Token latencies of every stream paired with its upstream answer by marker."""
    streamed = streamed_by_marker(records, MARKER)
    latency, errors, unmatched = [], 0, 0
    for result in results:
        if result.error or result.terminal() != "stream_complete":
            errors += 1
            continue
        tokens = [(e["text"], t) for e, t in result.events if e.get("type") == "qna_token"]
        paired = token_latencies_ms(tokens, streamed, MARKER)
        if paired is None:
            unmatched += 1
            continue
        latency += paired
    return {"latency": latency, "errors": errors, "unmatched": unmatched}


def measure(server, fake, token: str, count: int, run: int, worker: int) -> dict:
    """`count` concurrent answers: their token latencies, errors and the worker's CPU share."""
    # Whole lessons for the sessions (take_records resets the fake, default included).
    fake.call("default", json.dumps(LESSON, ensure_ascii=False))
    tickets = prepare_tickets(server.base_url, token, fake, count)
    answers = [ANSWER.format(marker=f"qbench-{count}-{run}-{i:04d}") for i in range(count)]
    fake.call("script", answers, CHUNK_CHARS, CHUNK_DELAY)
    cpu_before, started = cpu_seconds(worker), time.monotonic()
    results = run_answers(int(server.base_url.rsplit(":", 1)[1]), tickets)
    wall = time.monotonic() - started
    worker_cpu = cpu_seconds(worker) - cpu_before
    fake.call("wait_idle", 30)
    records, _pending = fake.call("take_records")
    out = analyze(results, records)
    out.update(answers=count, wall_s=round(wall, 1), worker_cpu_share=round(worker_cpu / wall, 2))
    return out


def main() -> None:
    """Run both levels and print the JSON object."""
    fake = FakeProcess()
    server = None
    levels: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            server = start_live_server(
                Path(tmp), workers=1, env={**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
            )
            worker = worker_pid(server.process.pid)
            token = login(server.base_url, "bench_qna")
            measure(server, fake, token, 1, 0, worker)  # warm-up
            runs = [measure(server, fake, token, 1, run, worker) for run in range(1, 4)]
            hundred = measure(server, fake, token, 100, 0, worker)
            server.stop()
            server = None
    finally:
        if server is not None:
            server.stop()
        fake.stop()
    for name, group in (("1", runs), ("100", [hundred])):
        latency = [value for run in group for value in run["latency"]]
        levels[name] = {
            "answers": group[0]["answers"],
            "runs": len(group),
            "token_latency_ms": summary(latency),
            "tokens_measured": len(latency),
            "errors": sum(run["errors"] for run in group),
            "unmatched": sum(run["unmatched"] for run in group),
            "worker_cpu_share": group[-1]["worker_cpu_share"],
        }

    def ok(level: str, key: str) -> bool:
        value = levels[level]["token_latency_ms"][key]
        return value is not None and value <= TARGETS_MS[key] and levels[level]["errors"] == 0

    print(
        json.dumps(
            {
                "benchmark": "qna_stream_latency",
                "pace_chunks_per_s": round(1 / CHUNK_DELAY),
                "chunk_chars": CHUNK_CHARS,
                "answer_chars": len(ANSWER),
                "levels": levels,
                "targets_met": {
                    f"c{level}_{key}_le_{int(TARGETS_MS[key])}ms": ok(level, key)
                    for level in levels
                    for key in TARGETS_MS
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
