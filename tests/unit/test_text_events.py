"""Mergeable text events: merged per loop turn, then paced so a run never reaches its cap."""

import time

from backend.app.streaming.text_events import HeldText, MergeableText


def token(text: str) -> MergeableText:
    return MergeableText("qna_token", text)


def test_held_pieces_merge_in_order_and_keep_the_wire_shape():
    held = HeldText(max_events=100, deadline_at=time.monotonic() + 10)
    assert held.hold(token("안녕")) is None and held.hold(token("하세요")) is None
    assert held.take(10) == {"type": "qna_token", "text": "안녕하세요"}
    assert held.take(11) is None  # nothing held


def test_under_half_the_cap_text_goes_out_every_loop_turn():
    held = HeldText(max_events=100, deadline_at=time.monotonic() + 10)
    for seq in range(40, 49):
        held.hold(token("a"))
        assert held.take(seq) == {"type": "qna_token", "text": "a"}


def test_past_half_the_cap_text_waits_its_share_of_the_time_left():
    held = HeldText(max_events=100, deadline_at=time.monotonic() + 46)
    held.hold(token("a"))
    assert held.take(50) is not None  # 46 s shared among the 46 events left: 1 s each
    held.hold(token("b"))
    assert held.take(51) is None and 0.9 < held.wait_seconds() <= 1.0
    assert held.take(51, force=True) == {"type": "qna_token", "text": "b"}


def test_text_of_another_type_is_handed_back_to_go_first():
    held = HeldText(max_events=100, deadline_at=None)
    held.hold(token("a"))
    assert held.hold(MergeableText("note", "b")) == {"type": "qna_token", "text": "a"}
    assert held.take(1) == {"type": "note", "text": "b"}
