"""The producer runner: events to the log, cancel kills a blocked producer, dead leases abort."""

import gevent
import gevent.event
import pytest

from backend.app.streaming.runner import LeaseHook, Runner
from backend.app.streaming.sqlite import SqliteStreamStore
from backend.app.streaming.subscription import subscribe_sse


@pytest.fixture
def runner(tmp_path):
    store = SqliteStreamStore(tmp_path / "streams.db", max_events=100, retention_seconds=600)
    return Runner(store, lease_seconds=5)


def start(runner, run_id, produce):
    results = []
    runner.store.create_run(run_id, "alice", "theory", lease_seconds=5)
    greenlet = runner.start(run_id, produce, results.append)
    return greenlet, results


def test_events_reach_the_log_and_the_terminal_ends_the_run(runner):
    def produce():
        yield {"type": "stream_start"}
        gevent.sleep(0.01)
        yield {"type": "theory_block", "block_id": 1}
        yield {"type": "stream_complete", "total_blocks": 1}

    greenlet, results = start(runner, "ok", produce)
    frames = list(subscribe_sse(runner, "ok", 0, heartbeat=1))
    greenlet.join(2)
    assert [f.split("\n")[0] for f in frames] == ["id: 1", "id: 2", "id: 3"]
    assert results[0].outcome == "completed" and len(results[0].events) == 2
    assert results[0].terminal["type"] == "stream_complete"


def test_a_producer_without_terminal_fails_with_one(runner):
    greenlet, results = start(runner, "no-end", lambda: iter([{"type": "stream_start"}]))
    greenlet.join(2)
    events = [e for _, e in runner.store.read("no-end", 0)]
    assert events[-1]["code"] == "GENERATION_FAILED" and results[0].outcome == "failed"


def test_cancel_mark_kills_a_producer_blocked_upstream(runner):
    closed = []

    def produce():
        try:
            yield {"type": "stream_start"}
            gevent.sleep(30)  # a silent upstream
            yield {"type": "stream_complete"}
        finally:
            closed.append(True)  # the model stream's cleanup runs: the upstream closes

    greenlet, results = start(runner, "cancel-me", produce)
    gevent.sleep(0.05)
    runner.store.request_cancel("cancel-me")
    greenlet.join(2)
    assert closed == [True]
    assert results[0].outcome == "cancelled"
    assert [e for _, e in runner.store.read("cancel-me", 0)][-1]["code"] == "CANCELLED"


def test_subscriber_pings_in_silence_and_aborts_a_dead_run(runner):
    runner.store.create_run("orphan", "alice", "theory", lease_seconds=0.3)
    runner.store.append("orphan", {"type": "stream_start"})
    frames = list(subscribe_sse(runner, "orphan", 0, heartbeat=0.1))
    assert ": ping\n\n" in frames
    assert '"RUN_ABORTED"' in frames[-1]


def test_runs_due_together_renew_their_lease_hooks_in_one_call(tmp_path):
    store = SqliteStreamStore(tmp_path / "streams.db", max_events=100, retention_seconds=600)
    runner = Runner(store, lease_seconds=0.3)  # due every 0.1 s
    calls = []
    other_calls = []

    def silent():
        yield {"type": "stream_start"}
        gevent.sleep(30)  # a silent upstream: only the watcher renews
        yield {"type": "stream_complete"}

    greenlets = []
    for index in range(5):
        run_id = f"run-{index}"
        store.create_run(run_id, "alice", "theory", lease_seconds=0.3)
        renew = calls.append if index < 4 else other_calls.append
        greenlets.append(
            runner.start(run_id, silent, lambda _result: None, lease_hook=LeaseHook(renew, run_id))
        )
    gevent.sleep(0.7)
    assert calls and other_calls
    assert sorted(calls[0]) == ["run-0", "run-1", "run-2", "run-3"]  # one call for the four
    assert all(len(keys) == 4 for keys in calls) and all(keys == ["run-4"] for keys in other_calls)
    assert not any(store.run_info(f"run-{i}").lease_expired for i in range(5))
    gevent.killall(greenlets)


def test_events_of_runs_woken_together_are_stored_in_one_batch_before_anyone_sees_them(runner):
    batches = []
    store_batch = runner.store.append_batch

    def counted(events):
        batches.append(len(events))
        return store_batch(events)

    runner.store.append_batch = counted
    tick = gevent.event.Event()

    def produce():
        yield {"type": "stream_start"}
        for n in range(3):
            tick.wait()  # every run waits for the same upstream moment
            yield {"type": "qna_token", "text": str(n)}
        yield {"type": "stream_complete"}

    seen = []

    def subscriber(run_id):
        for frame in subscribe_sse(runner, run_id, 0, heartbeat=1):
            seq = int(frame.split("\n")[0].removeprefix("id: "))
            # Whatever a local subscriber sees is already in the shared log.
            seen.append(seq in [s for s, _ in runner.store.read(run_id, seq - 1)])

    runs = [start(runner, f"run-{i}", produce)[0] for i in range(5)]
    readers = [gevent.spawn(subscriber, f"run-{i}") for i in range(5)]
    for _ in range(3):
        gevent.sleep(0.05)
        tick.set()
        tick.clear()
    gevent.joinall(runs + readers, timeout=5)
    assert len(seen) == 5 * 5 and all(seen)
    # Each loop turn's events of all five runs went in one transaction (the starts and the
    # first two tokens; each run's last token is stored as the run ends, before its terminal).
    assert batches[:3] == [5, 5, 5] and sum(batches) == 5 * 4


def test_a_run_finished_elsewhere_stops_its_producer(runner):
    def produce():
        yield {"type": "stream_start"}
        for n in range(100):
            gevent.sleep(0.01)
            yield {"type": "qna_token", "text": str(n)}
        yield {"type": "stream_complete"}

    greenlet, results = start(runner, "reaped", produce)
    gevent.sleep(0.1)
    runner.store.append("reaped", {"type": "stream_error", "code": "RUN_ABORTED"}, terminal=True)
    greenlet.join(2)
    assert greenlet.dead and results == []  # stopped, and left the ending to the reaper
    events = [event for _, event in runner.store.read("reaped", 0)]
    assert events[-1]["code"] == "RUN_ABORTED"
    assert [e["type"] for e in events].count("stream_error") == 1
    assert len(events) < 20


def test_a_producer_renews_its_own_lease_when_the_watcher_is_starved(tmp_path):
    import time

    store = SqliteStreamStore(tmp_path / "streams.db", max_events=100, retention_seconds=600)
    runner = Runner(store, lease_seconds=0.3)
    store.create_run("busy", "alice", "theory", lease_seconds=0.3)
    renewed = []
    lapsed = []

    def hogging():
        yield {"type": "stream_start"}
        for n in range(12):
            time.sleep(0.05)  # not gevent's: the loop (and the watcher) never runs
            lapsed.append(store.run_info("busy").lease_expired)
            yield {"type": "qna_token", "text": str(n)}
        yield {"type": "stream_complete"}

    hook = LeaseHook(renewed.append, "slot")
    greenlet = runner.start("busy", hogging, lambda _result: None, lease_hook=hook)
    greenlet.join(5)
    assert lapsed and not any(lapsed)  # 0.6 s of work on a 0.3 s lease, never lapsed
    assert renewed and all(keys == ["slot"] for keys in renewed)


def stored(runner, run_id):
    return [event for _, event in runner.store.read(run_id, 0)]


def test_text_pieces_of_one_loop_turn_go_out_as_one_event(runner):
    from backend.app.streaming.text_events import MergeableText

    def produce():
        yield {"type": "stream_start"}
        for text in "abc":
            yield MergeableText("qna_token", text)  # buffered upstream: no wait between
        gevent.sleep(0.01)
        for text in "de":
            yield MergeableText("qna_token", text)
        yield {"type": "stream_complete"}

    greenlet, results = start(runner, "merged", produce)
    greenlet.join(2)
    assert stored(runner, "merged") == [
        {"type": "stream_start"},
        {"type": "qna_token", "text": "abc"},
        {"type": "qna_token", "text": "de"},
        {"type": "stream_complete"},
    ]
    assert "".join(e["text"] for e in results[0].events if e["type"] == "qna_token") == "abcde"


def test_an_answer_of_a_piece_per_loop_turn_never_reaches_the_cap(tmp_path):
    from backend.app.streaming.text_events import MergeableText

    store = SqliteStreamStore(tmp_path / "streams.db", max_events=60, retention_seconds=600)
    runner = Runner(store, lease_seconds=5, deadline_seconds=30)
    pieces = [f"{n} " for n in range(600)]  # ten times the cap, one per loop turn

    def produce():
        yield {"type": "stream_start"}
        for piece in pieces:
            gevent.sleep(0.001)  # the next chunk is not there yet: the loop turns
            yield MergeableText("qna_token", piece)
        yield {"type": "stream_complete"}

    greenlet, results = start(runner, "long", produce)
    greenlet.join(10)
    events = stored(runner, "long")
    assert events[-1] == {"type": "stream_complete"} and results[0].outcome == "completed"
    assert "".join(e["text"] for e in events if e["type"] == "qna_token") == "".join(pieces)
    assert len(events) < 60


def test_a_run_past_its_deadline_ends_with_generation_failed_naming_it(tmp_path):
    store = SqliteStreamStore(tmp_path / "streams.db", max_events=100, retention_seconds=600)
    runner = Runner(store, lease_seconds=5, deadline_seconds=0.3)
    closed = []

    def produce():
        try:
            yield {"type": "stream_start"}
            gevent.sleep(30)  # a model that never finishes
            yield {"type": "stream_complete"}
        finally:
            closed.append(True)  # the model stream's cleanup runs: the upstream closes

    greenlet, results = start(runner, "late", produce)
    greenlet.join(5)
    terminal = stored(runner, "late")[-1]
    assert terminal["code"] == "GENERATION_FAILED" and "deadline" in terminal["message"]
    assert closed == [True] and results[0].outcome == "failed"


def test_the_runner_knows_the_store_only_by_its_protocols():
    import ast
    from pathlib import Path

    streaming = Path(__file__).resolve().parents[2] / "backend" / "app" / "streaming"
    concrete = ("backend.app.streaming.sqlite",)
    for name in ("runner.py", "batch_writer.py", "watcher.py", "subscription.py"):
        tree = ast.parse((streaming / name).read_text(encoding="utf-8"))
        modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not [m for m in modules if m.startswith(concrete)], name


class YieldingStore:
    """A store whose batch writes yield for varying times, as a network store's do."""

    def __init__(self, store) -> None:
        self._store = store
        self._delays = iter([0.03, 0.0, 0.02, 0.0, 0.01] * 100)

    def append_batch(self, events):
        gevent.sleep(next(self._delays))  # later writes may finish before earlier ones
        return self._store.append_batch(events)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_flushes_store_and_show_events_in_order_when_writes_yield(tmp_path):
    store = SqliteStreamStore(tmp_path / "streams.db", max_events=500, retention_seconds=600)
    runner = Runner(YieldingStore(store), lease_seconds=5)

    def produce():
        yield {"type": "stream_start"}
        for n in range(40):
            if n % 3 == 0:
                gevent.sleep(0.005)  # a new flush is queued while one is still writing
            yield {"type": "token", "n": n}
        yield {"type": "stream_complete"}

    greenlet, _ = start(runner, "yielding", produce)
    frames = list(subscribe_sse(runner, "yielding", 0, heartbeat=1))
    greenlet.join(5)

    shown = [
        int(line.split(": ")[1])
        for f in frames
        for line in f.split("\n")
        if line.startswith("id: ")
    ]
    assert shown == list(range(1, 43))  # stream_start, 40 tokens, stream_complete
    logged = runner.store.read("yielding", 0)
    assert [seq for seq, _ in logged] == list(range(1, 43))
    assert [event.get("n") for _, event in logged[1:-1]] == list(range(40))
