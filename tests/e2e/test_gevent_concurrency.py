"""One gevent worker serves several LLM streams at once (DESIGN 3)."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fakes.scripts import Script

pytestmark = pytest.mark.live

STREAMS = 5
CHUNKS = 10


def test_five_streams_interleave_on_one_worker(live_server_factory, fake_openai):
    for number in range(STREAMS):
        fake_openai.script(Script(content=f"s{number}-" * CHUNKS, chunk_size=3, chunk_delay=0.2))
    server = live_server_factory(
        workers=1,
        app="tests.support.probe_app:app",
        env={
            "LLM_PROVIDER": "openai",
            "OPENAI_API_KEY": "test-key",
            "OPENAI_BASE_URL": fake_openai.base_url,
            "LLM_MAX_RETRIES": "0",
        },
    )

    def consume(_):
        with httpx.stream("GET", f"{server.base_url}/probe/llm-stream", timeout=30) as response:
            return [json.loads(line) for line in response.iter_lines() if line]

    with ThreadPoolExecutor(STREAMS) as pool:
        results = list(pool.map(consume, range(STREAMS)))

    for lines in results:
        assert lines[-1] == {"done": True}
        text = "".join(line["text"] for line in lines[:-1])
        assert text in {f"s{n}-" * CHUNKS for n in range(STREAMS)}
    records = fake_openai.requests
    assert len(records) == STREAMS and all(r.completed for r in records)
    # Overlap, checked by order: every stream sent its first chunk before any stream sent its
    # last. A worker that blocked on one upstream call would serve them one after another.
    first_chunks = [r.chunks[0].monotonic for r in records]
    last_chunks = [r.chunks[-1].monotonic for r in records]
    assert max(first_chunks) < min(last_chunks)
