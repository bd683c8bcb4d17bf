"""Lessons a real model writes, through ChatOpenAI and the fake: oversized blocks are cut and
kept, invalid ones are counted in `stream_complete` (`skipped_blocks`), on every path.
"""

import json

import pytest

from backend.app import create_app
from tests.conftest import AuthHelper
from tests.fakes.scripts import Script
from tests.support.lessons import DEFINITION, EXAMPLES, HEADER, INTRO
from tests.support.metrics import metric_value
from tests.support.sse_client import app_events

START = "/api/v1/learning/session/start"
ITEMS = [
    {"category": f"분야 {n}", "description": f"{n}번째 예시입니다.", "benefit": "이해"}
    for n in range(40)
]
FORTY_EXAMPLES = {**EXAMPLES, "data": {**EXAMPLES["data"], "items": ITEMS}}
BROKEN_DEFINITION = {**DEFINITION, "data": {"type": "definition", "title": "내용이 없는 정의"}}
COMPLETE_KEYS = {
    "type",
    "total_blocks",
    "fallback",
    "fallback_mode",
    "elapsed_ms",
    "usage",
    "skipped_blocks",
    "taken_over",
}


def lesson_json(*blocks) -> str:
    return json.dumps(list(blocks), ensure_ascii=False)


@pytest.fixture
def lesson_client(make_settings, fake_openai):
    """A test client whose lessons come from ChatOpenAI on the fake, and a user's headers."""
    settings = make_settings(**fake_openai.product_settings())
    client = create_app(settings).test_client()
    return client, AuthHelper(client).new_user_headers()


def start(client, headers, **extra) -> dict:
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요", **extra}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["data"]["workflow_response"]


def stream_lesson(client, headers) -> list[dict]:
    ticket = start(client, headers)["temp_session_id"]
    return [event for _, event in app_events(client, f"/api/v1/learning/theory-stream/{ticket}")]


def blocks_of(events: list[dict]) -> list[dict]:
    return [event for event in events if event["type"] == "theory_block"]


def trimmed_count(client) -> float:
    return metric_value(
        client, "tutor_stream_trimmed_blocks_total", kind="theory", block_type="examples"
    )


def test_forty_examples_arrive_cut_to_the_cap_and_the_lesson_is_whole(
    lesson_client, fake_openai, caplog
):
    client, headers = lesson_client
    caplog.set_level("INFO", logger="backend.app.tools.content.block_intake")
    fake_openai.script(
        Script(content=lesson_json(HEADER, INTRO, DEFINITION, FORTY_EXAMPLES), chunk_size=37)
    )
    before = trimmed_count(client)

    events = stream_lesson(client, headers)

    blocks = blocks_of(events)
    assert [b["block_id"] for b in blocks] == [1, 2, 3, 4]
    examples = blocks[3]["data"]
    assert examples["type"] == "examples" and examples["items"] == ITEMS[:10]
    complete = events[-1]
    assert set(complete) == COMPLETE_KEYS
    assert complete["type"] == "stream_complete" and complete["total_blocks"] == 4
    assert complete["skipped_blocks"] == 0 and complete["fallback"] is False
    assert trimmed_count(client) == before + 1
    assert "Cut the examples block to its size caps at examples.items" in caplog.text


def test_a_truly_invalid_block_is_skipped_and_counted(lesson_client, fake_openai):
    client, headers = lesson_client
    fake_openai.script(
        Script(content=lesson_json(HEADER, INTRO, BROKEN_DEFINITION, EXAMPLES), chunk_size=29)
    )

    events = stream_lesson(client, headers)

    assert [b["data"].get("type") for b in blocks_of(events)] == [None, "introduction", "examples"]
    complete = events[-1]
    assert set(complete) == COMPLETE_KEYS
    assert (complete["total_blocks"], complete["skipped_blocks"]) == (3, 1)


def test_the_sync_fallback_counts_the_blocks_its_own_lesson_skipped(lesson_client, fake_openai):
    client, headers = lesson_client
    fake_openai.script(
        Script.error(500),
        Script(content=lesson_json(HEADER, BROKEN_DEFINITION, INTRO, FORTY_EXAMPLES)),
    )

    events = stream_lesson(client, headers)

    complete = events[-1]
    assert (complete["fallback_mode"], complete["total_blocks"]) == ("sync", 3)
    assert complete["skipped_blocks"] == 1
    assert blocks_of(events)[-1]["data"]["items"] == ITEMS[:10]


def test_a_continuation_counts_skips_on_both_sides_but_not_invalid_repeats(
    lesson_client, fake_openai
):
    client, headers = lesson_client
    broken_intro = {**INTRO, "data": {"type": "introduction"}}
    streamed = lesson_json(HEADER, broken_intro, INTRO, DEFINITION, EXAMPLES)
    cut_at = streamed.index(json.dumps(DEFINITION, ensure_ascii=False))
    fake_openai.script(
        Script(content=streamed, chunk_size=[cut_at], drop_after=1),
        # Repeats of kinds already sent are dropped unchecked; the new broken block counts.
        Script(content=lesson_json(HEADER, broken_intro, BROKEN_DEFINITION, FORTY_EXAMPLES)),
    )

    events = stream_lesson(client, headers)

    complete = events[-1]
    assert (complete["fallback_mode"], complete["total_blocks"]) == ("continuation", 3)
    assert complete["skipped_blocks"] == 2  # the streamed broken intro, the new definition
    assert blocks_of(events)[-1]["data"]["items"] == ITEMS[:10]


def test_the_synchronous_lesson_is_cut_the_same_way(lesson_client, fake_openai):
    client, headers = lesson_client
    fake_openai.script(Script(content=lesson_json(HEADER, INTRO, DEFINITION, FORTY_EXAMPLES)))
    before = trimmed_count(client)

    workflow = start(client, headers, streaming=False)

    assert workflow["streaming"] is False
    content = workflow["theory_content"]
    assert [b["block_id"] for b in content] == [1, 2, 3, 4]
    assert content[3]["data"]["items"] == ITEMS[:10]
    assert trimmed_count(client) == before + 1


def lesson_with_an_unparsable_block() -> str:
    """A lesson whose definition object is not JSON (a model's slip): `"x" oops`."""
    definition = json.dumps(DEFINITION, ensure_ascii=False).replace(
        '"definition"', '"definition" oops'
    )
    good = [json.dumps(block, ensure_ascii=False) for block in (HEADER, INTRO, EXAMPLES)]
    return f"[{good[0]}, {good[1]}, {definition}, {good[2]}]"


def test_a_block_that_is_not_json_is_counted_as_skipped(lesson_client, fake_openai):
    client, headers = lesson_client
    fake_openai.script(Script(content=lesson_with_an_unparsable_block(), chunk_size=31))

    events = stream_lesson(client, headers)

    assert [b["data"].get("type") for b in blocks_of(events)] == [None, "introduction", "examples"]
    assert (events[-1]["total_blocks"], events[-1]["skipped_blocks"]) == (3, 1)


def test_the_sync_fallback_counts_a_block_that_is_not_json(lesson_client, fake_openai):
    client, headers = lesson_client
    fake_openai.script(Script.error(500), Script(content=lesson_with_an_unparsable_block()))

    events = stream_lesson(client, headers)

    assert (events[-1]["fallback_mode"], events[-1]["total_blocks"]) == ("sync", 3)
    assert events[-1]["skipped_blocks"] == 1
