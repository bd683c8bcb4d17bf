"""Block splitter: ours vs ijson (C backend) vs LangChain's re-parsing JsonOutputParser.

Prints one JSON object. Lessons are JSON arrays of blocks with Korean text, fed in
4-character chunks as a model streams them; ijson gets the same chunks as UTF-8 bytes.
Each time is the best of a few repetitions, the contenders interleaved so machine noise
hits them alike. The parser re-reads the whole text on every chunk (quadratic), so it is
timed at 8 KB only, and once; so is ijson on the one long string (it re-reads a string
split over many chunks, which takes seconds).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

from backend.app.streaming.block_splitter import BlockSplitter

CHUNK_CHARS = 4
REPEATS = 5
MAX_LINEAR_RATIO = 10.0

_SENTENCES = (
    "변수는 값을 담아 두는 이름표예요.",
    "함수는 입력을 받아 정해진 일을 하고 결과를 돌려줘요.",
    '예를 들어 "안녕하세요"라는 문자열을 출력해 볼까요?',
    "리스트 [1, 2, 3]은 순서가 있는 값의 모음입니다.",
    '딕셔너리 {"이름": "민수"}처럼 키와 값을 짝지어 저장해요.',
    "반복문을 쓰면 같은 일을 여러 번 자동으로 할 수 있어요 🔁",
    "경로는 C:\\Users\\학생\\과제 처럼 역슬래시를 씁니다.",
    "조건문은 상황에 따라 다른 길을 고르게 해 줘요 🤖",
)


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(_SENTENCES) for _ in range(sentences))


def _block(rng: random.Random, index: int) -> dict:
    kind = ("introduction", "definition", "examples", "summary")[index % 4]
    if kind == "definition":
        data = {
            "type": kind,
            "title": f"핵심 개념 {index}",
            "content": _paragraph(rng, 4),
            "analogy": {"concept": "요리 레시피", "comparison": _paragraph(rng, 2),
                        "details": [_paragraph(rng, 1) for _ in range(3)]},
        }  # fmt: skip
    elif kind == "examples":
        items = [{"category": f"예시 {n}", "description": _paragraph(rng, 2)} for n in range(3)]
        data = {"type": kind, "items": items}
    else:
        data = {"type": kind, "content": _paragraph(rng, 5) + "\n" + _paragraph(rng, 3)}
    return {"block_type": kind, "data": data}


def lesson(size_bytes: int) -> str:
    """A pretty-printed lesson of about `size_bytes` UTF-8 bytes."""
    rng, blocks = random.Random(size_bytes), []
    header = {"chapter_info": "📚 2챕터 1섹션", "title": "파이썬 기초 🤖"}
    blocks.append({"block_type": "header", "data": header})
    while len(text := json.dumps(blocks, ensure_ascii=False, indent=2).encode()) < size_bytes:
        blocks.append(_block(rng, len(blocks)))
    return text.decode()


def one_string_lesson(size_bytes: int) -> str:
    """A lesson whose single `content` string is about `size_bytes` bytes long."""
    rng, content = random.Random(7), ""
    while len(content.encode()) < size_bytes:
        content += _paragraph(rng, 3) + "\n"
    block = {"block_type": "introduction", "data": {"type": "introduction", "content": content}}
    return json.dumps([block], ensure_ascii=False, indent=2)


def run_ours(chunks: list[str]) -> list[dict]:
    """Feed every chunk to a fresh BlockSplitter; return the blocks."""
    splitter, blocks = BlockSplitter(), []
    for chunk in chunks:
        blocks += splitter.feed(chunk)
    return blocks


def run_ijson(backend, chunks: list[bytes]) -> list[dict]:
    """Feed every chunk to ijson's items coroutine, taking items as they complete."""
    import ijson

    found, blocks = ijson.sendable_list(), []
    coroutine = backend.items_coro(found, "item")
    for chunk in chunks:
        coroutine.send(chunk)
        if found:  # what a streaming caller does: hand each item on at once
            blocks += found
            del found[:]
    coroutine.close()
    return blocks + found


def run_json_output_parser(chunks: list[str]) -> list:
    """LangChain's streaming JsonOutputParser: re-parses the whole text on each chunk."""
    from langchain_core.output_parsers import JsonOutputParser

    outputs = list(JsonOutputParser().transform(iter(chunks)))
    return outputs[-1]


def best_ms(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Best wall time of each callable over `repeats` interleaved rounds, in ms."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], (time.perf_counter() - started) * 1000)
    return {name: round(value, 3) for name, value in best.items()}


def _ijson_backend():
    try:
        import ijson
    except ImportError:
        return None
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:
        return ijson.get_backend(ijson.backend)


def main() -> None:
    """Run every contender on the same chunks and print the comparison."""
    documents = {"8kb": lesson(8 * 1024), "64kb": lesson(64 * 1024),
                 "64kb_one_string": one_string_lesson(64 * 1024)}  # fmt: skip
    chunks = {
        name: [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
        for name, text in documents.items()
    }
    backend = _ijson_backend()
    runs: dict[str, Callable[[], object]] = {}
    for name, pieces in chunks.items():
        expected = json.loads(documents[name])
        assert run_ours(pieces) == expected, name
        runs[f"ours_{name}"] = lambda pieces=pieces: run_ours(pieces)
        if backend is not None:
            encoded = [piece.encode() for piece in pieces]
            assert run_ijson(backend, encoded) == expected, name
            runs[f"ijson_{name}"] = lambda encoded=encoded: run_ijson(backend, encoded)
    # The slow ones (seconds, not milliseconds) are timed once.
    slow = {"parser": lambda: run_json_output_parser(chunks["8kb"])}
    if backend is not None:
        slow["ijson_64kb_one_string"] = runs.pop("ijson_64kb_one_string")
    timings = best_ms(runs, REPEATS) | best_ms(slow, 1)
    parser_ms = timings["parser"]
    ours = {name: timings[f"ours_{name}"] for name in documents}
    ijson_ms = {name: timings[f"ijson_{name}"] for name in documents} if backend else None
    ratio = ours["64kb"] / ours["8kb"]
    print(
        json.dumps(
            {
                "benchmark": "splitter",
                "chunk_chars": CHUNK_CHARS,
                "repeats": REPEATS,
                "sizes_bytes": {k: len(v.encode()) for k, v in documents.items()},
                "ours_ms": ours,
                "ours_ratio_64_to_8": round(ratio, 2),
                "ijson_backend": backend.backend_name if backend else None,
                "ijson_ms": ijson_ms,
                "json_output_parser_8kb_ms": parser_ms,
                "ratio_parser_to_ours_8kb": round(parser_ms / ours["8kb"], 1),
                "checks": {
                    "linear": ratio <= MAX_LINEAR_RATIO,
                    "faster_than_ijson": bool(ijson_ms)
                    and all(ours[k] <= ijson_ms[k] for k in ("8kb", "64kb")),
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
