"""One reader per process follows runs produced elsewhere (DESIGN 4.4), on every backend.

Two runners on one backend stand for two workers (or hosts): one produces a run, the
other serves many subscribers of it. The subscribers' worker reads the store a number of
times that does not grow with its subscribers: one read serves them all. It runs in a
child process patched by gevent, as a worker is: unpatched, a blocking read of Redis
would hold up every other greenlet of the test.
"""

from __future__ import annotations

import json
import subprocess
import sys

import gevent
import pytest

from backend.app.streaming.runner import Runner
from backend.app.streaming.subscription import subscribe_sse
from tests.support.live_server import REPO_ROOT
from tests.support.stream_stores import BACKENDS, StreamBackend, open_backend

SUBSCRIBERS = 20
EVENTS = 20
EVENT_GAP = 0.05  # seconds between produced events: about a second of run


class CountingStore:
    """A store that counts the reads made through it (everything else passes through)."""

    def __init__(self, store) -> None:
        self._store = store
        self.reads = 0  # read() and read_many() calls

    def read(self, *args, **kwargs):
        self.reads += 1
        return self._store.read(*args, **kwargs)

    def read_many(self, *args, **kwargs):
        self.reads += 1
        return self._store.read_many(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def follow_from_another_worker(backend: StreamBackend) -> dict:
    """Produce a run on one worker, follow it with SUBSCRIBERS on another; what they saw."""
    producer = Runner(backend.worker(max_events=100), lease_seconds=30)
    counting = CountingStore(backend.worker(max_events=100))
    follower = Runner(counting, lease_seconds=30)

    def produce():
        yield {"type": "stream_start"}
        for n in range(EVENTS):
            gevent.sleep(EVENT_GAP)
            yield {"type": "token", "n": n}
        yield {"type": "stream_complete"}

    producer.store.create_run("shared", "alice", "qna", lease_seconds=30)
    producer.start("shared", produce, lambda result: None)
    subscribers = [
        gevent.spawn(lambda: "".join(subscribe_sse(follower, "shared", 0, heartbeat=5)))
        for _ in range(SUBSCRIBERS)
    ]
    gevent.joinall(subscribers, timeout=30, raise_error=True)
    return {"frames": [s.value for s in subscribers], "reads": counting.reads}


def in_a_gevent_worker(function: str, backend: StreamBackend) -> dict:
    """Run one of this module's functions in a child process patched by gevent; its JSON."""
    program = (
        "from gevent import monkey; monkey.patch_all()\n"
        "import json, sys\n"
        f"from tests.integration.test_live_reader import {function} as measure\n"
        "from tests.support.stream_stores import StreamBackend\n"
        "name, path, url, prefix = json.loads(sys.argv[1])\n"
        "backend = StreamBackend(name, __import__('pathlib').Path(path), url, prefix)\n"
        "print(json.dumps(measure(backend)))\n"
    )
    args = [backend.name, str(backend.tmp_path), backend.redis_url, backend.prefix]
    done = subprocess.run(
        [sys.executable, "-c", program, json.dumps(args)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    return open_backend(request, tmp_path)


def test_many_subscribers_on_another_worker_share_one_reader(backend):
    seen = in_a_gevent_worker("follow_from_another_worker", backend)

    for frames in seen["frames"]:
        assert frames.count("id: ") == EVENTS + 2 and '"stream_complete"' in frames
    # Polling each on its own, 20 subscribers cost ~20 reads per 50 ms (~400 for the run).
    # One reader costs one read per poll or per batch of news, plus each subscriber's
    # first look at the run before the reader follows it.
    assert seen["reads"] <= 2 * SUBSCRIBERS + 3 * (EVENTS + 2), seen["reads"]


def previews_from_another_worker(backend: StreamBackend) -> dict:
    """Produce a lesson-like run with previews on one worker; what two late joiners saw."""
    from backend.app.streaming.block_splitter import BlockSplitter
    from backend.app.streaming.previews import Preview, PreviewCursor

    producer = Runner(backend.worker(max_events=100), lease_seconds=30, preview_interval=0.02)
    follower = Runner(backend.worker(max_events=100), lease_seconds=30, preview_interval=0.02)
    raw = json.dumps([{"block_type": "section", "data": {"content": PREVIEWED}}])

    def produce():
        yield {"type": "stream_start"}
        splitter, shown = BlockSplitter(), None
        for start in range(0, len(raw), 4):
            gevent.sleep(0.01)
            for block in splitter.feed(raw[start : start + 4]):
                yield {"type": "theory_block", "block_id": 1, **block}
            if splitter.preview is not shown and splitter.preview is not None:
                shown = splitter.preview
                yield Preview(1, shown)
        yield {"type": "stream_complete"}

    producer.store.create_run("shown", "alice", "theory", lease_seconds=30)
    producer.start("shown", produce, lambda result: None)
    gevent.sleep(0.3)  # join mid-block
    subscribers = [
        gevent.spawn(
            lambda: "".join(
                subscribe_sse(follower, "shown", 0, heartbeat=5, previews=PreviewCursor(0.02))
            )
        )
        for _ in range(2)
    ]
    gevent.joinall(subscribers, timeout=30, raise_error=True)
    return {"frames": [s.value for s in subscribers]}


PREVIEWED = "임베딩은 토큰을 수천 개의 실수로 나타낸 벡터예요. " * 3


def test_subscribers_on_another_worker_get_previews_from_offset_zero(backend):
    seen = in_a_gevent_worker("previews_from_another_worker", backend)
    for frames in seen["frames"]:
        events = [json.loads(line[6:]) for line in frames.splitlines() if line.startswith("data: ")]
        previews = [event for event in events if event["type"] == "block_preview"]
        assert len(previews) >= 3, events
        assert previews[0]["offset"] == 0  # joined mid-block: the block from its start
        text = ""
        for preview in previews:
            assert preview["offset"] == len(text)
            text += preview["text"]
        assert PREVIEWED.startswith(text) and len(text) > 10
        assert [e["type"] for e in events if e["type"] != "block_preview"] == [
            "stream_start", "theory_block", "stream_complete",
        ]  # fmt: skip
