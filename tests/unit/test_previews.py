"""PreviewCursor and PreviewPublisher: appends per subscriber, coalesced, published once."""

from __future__ import annotations

from backend.app.streaming.block_preview import BlockPreview
from backend.app.streaming.preview_publisher import PreviewPublisher
from backend.app.streaming.previews import Preview, PreviewCursor
from backend.app.streaming.runs import LocalRun
from backend.app.streaming.text_events import HeldText


def record(attempt: int, block_id: int, text: str, block_type: str | None = "section") -> dict:
    return {"attempt": attempt, "block_id": block_id, "block_type": block_type, "text": text}


def test_a_cursor_sends_appends_at_most_once_per_interval():
    cursor = PreviewCursor(interval=0.05)
    assert cursor.next_event(None, 0.0) is None
    assert cursor.next_event(record(1, 1, ""), 0.0) is None  # nothing to show yet
    first = cursor.next_event(record(1, 1, "임베딩은"), 0.0)
    assert first == {
        "type": "block_preview", "block_id": 1, "block_type": "section", "offset": 0,
        "text": "임베딩은",
    }  # fmt: skip
    assert cursor.next_event(record(1, 1, "임베딩은 토큰을"), 0.01) is None  # too soon
    second = cursor.next_event(record(1, 1, "임베딩은 토큰을 😀"), 0.06)
    assert (second["offset"], second["text"]) == (4, " 토큰을 😀")  # offsets in code points
    assert cursor.next_event(record(1, 1, "임베딩은 토큰을 😀"), 0.2) is None  # nothing new


def test_an_invalid_block_is_cleared_by_the_next_attempt_at_offset_zero():
    cursor = PreviewCursor(interval=0.05)
    cursor.next_event(record(1, 2, "broken"), 0.0)
    cleared = cursor.next_event(record(2, 2, ""), 0.1)
    assert (cleared["block_id"], cleared["offset"], cleared["text"]) == (2, 0, "")
    fresh = cursor.next_event(record(2, 2, "ok"), 0.2)
    assert (fresh["offset"], fresh["text"]) == (0, "ok")


def test_a_finished_block_ends_its_preview_and_the_next_block_starts_at_zero():
    cursor = PreviewCursor(interval=0.05)
    cursor.next_event(record(1, 1, "abc"), 0.0)
    cursor.saw({"type": "theory_block", "block_id": 1})
    assert cursor.next_event(record(1, 1, "abcd"), 0.1) is None  # stale: block 1 was sent
    nxt = cursor.next_event(record(2, 2, "x", None), 0.2)
    assert (nxt["block_id"], nxt["offset"], nxt["block_type"]) == (2, 0, None)
    typed = cursor.next_event(record(2, 2, "x", "section"), 0.3)
    assert (typed["offset"], typed["text"], typed["block_type"]) == (1, "", "section")


class RecordingStore:
    def __init__(self) -> None:
        self.batches: list[dict] = []

    def set_current_blocks(self, records: dict, ttl: float) -> None:
        self.batches.append(records)


def test_the_publisher_writes_only_changed_previews_in_one_batch():
    store = RecordingStore()
    runs = {"a": LocalRun(None, HeldText(10, None)), "b": LocalRun(None, HeldText(10, None))}
    publisher = PreviewPublisher(store, runs, interval=0.05, ttl=30)
    assert publisher.publish_once() is False and store.batches == []
    source_a, source_b = BlockPreview(1), BlockPreview(1)
    runs["a"].preview, runs["b"].preview = Preview(1, source_a), Preview(3, source_b)
    source_a.feed('{"data": {"content": "hello')
    assert publisher.publish_once() is True
    assert store.batches[-1] == {
        "a": record(1, 1, "hello", None),
        "b": record(1, 3, "", None),
    }
    assert publisher.publish_once() is True and len(store.batches) == 1  # nothing changed
    source_b.feed('{"data": {"content": "b')
    publisher.publish_once()
    assert store.batches[-1] == {"b": record(1, 3, "b", None)}
