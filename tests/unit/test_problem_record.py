"""ProblemRecord's read shape, its timestamps, the paging cursor and the outbox backoff."""

from __future__ import annotations

import re

import pytest

from backend.app.storage.problems import InvalidCursor, utc_now_iso
from backend.app.storage.problems.cursor import decode_cursor, encode_cursor
from backend.app.storage.problems.outbox import MAX_BACKOFF_SECONDS, ProblemOutbox
from backend.app.storage.problems.record import stored_verification
from tests.support.problems import make_record, make_verified_record


def test_api_shape_is_exactly_the_contracts():
    record = make_record("user-a")
    view = record.to_api(persisted=True)
    summary = ["problemId", "createdAt", "prompt", "difficulty", "persisted", "problem"]
    assert list(view) == [*summary, "verification", "reference_solution"]
    assert view["problemId"] == record.problem_id
    assert view["difficulty"] == record.problem.difficulty == view["problem"]["difficulty"]
    assert view["problem"] == record.problem.model_dump()
    assert record.to_api(persisted=False)["persisted"] is False
    assert (view["verification"], view["reference_solution"]) == (None, None)
    item = record.to_list_item(persisted=True)
    assert list(item) == [*summary, "verification_status"]
    assert item["verification_status"] is None


def test_verified_record_shows_its_detail_alone_and_only_its_status_in_lists():
    record = make_verified_record("user-a", status="failed")
    view = record.to_api(persisted=True)
    assert view["verification"] == record.verification.to_api()
    assert "reason" in view["verification"] and "actual" in view["verification"]["examples"][1]
    assert "actual" not in view["verification"]["examples"][0]  # None members are left out
    assert view["reference_solution"] == record.reference_solution
    item = record.to_list_item(persisted=True)
    assert item["verification_status"] == "failed"
    assert {key: item[key] for key in item if key != "verification_status"} == {
        key: view[key] for key in view if key not in ("verification", "reference_solution")
    }


def test_stored_verification_ignores_members_a_newer_version_adds():
    stored = {
        "status": "failed",
        "examples": [{"index": 0, "passed": False, "actual": "", "cpu_ms": 3}],
        "runtime_ms": 12,
        "repaired": False,
        "sandbox": "bwrap 0.8",
    }
    read = stored_verification(stored)
    assert read.to_api() == {
        "status": "failed",
        "examples": [{"index": 0, "passed": False, "actual": ""}],
        "runtime_ms": 12,
        "repaired": False,
    }
    assert stored_verification(None) is None


def test_timestamps_are_fixed_width_utc_and_sort_as_text():
    stamps = [utc_now_iso() for _ in range(50)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", s) for s in stamps)
    assert stamps == sorted(stamps)


def test_new_records_get_distinct_ids():
    first, second = make_record("u"), make_record("u")
    assert first.problem_id != second.problem_id
    assert first.request_id != second.request_id


def test_fields_are_keyword_only():
    with pytest.raises(TypeError):
        type(make_record())("id", "user", "time", "prompt", "request", None)


def test_cursor_round_trips_and_is_url_safe():
    cursor = encode_cursor("user-a", "2026-11-22T00:00:01.000000Z", "problem-1")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert decode_cursor(cursor, "user-a") == ("2026-11-22T00:00:01.000000Z", "problem-1")


def test_cursor_of_another_user_is_refused():
    cursor = encode_cursor("user-a", "2026-11-22T00:00:01.000000Z", "problem-1")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, "user-b")


def test_tampered_cursor_is_refused():
    cursor = encode_cursor("user-a", "2026-11-22T00:00:01.000000Z", "problem-1")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor[:-3] + "!!!", "user-a")
    with pytest.raises(InvalidCursor):
        decode_cursor("x" * 600, "user-a")


def test_backoff_doubles_from_the_base_and_is_capped(tmp_path):
    outbox = ProblemOutbox(tmp_path / "outbox.db", retry_seconds=5.0)
    assert [outbox.backoff(n) for n in (1, 2, 3, 4)] == [5.0, 10.0, 20.0, 40.0]
    assert outbox.backoff(10) == MAX_BACKOFF_SECONDS
    assert outbox.backoff(10_000) == MAX_BACKOFF_SECONDS
