"""Previews of the block being written (DESIGN 4.2.3) on a live multi-worker gunicorn.

The fake model writes the lesson in small paced chunks, so each block takes about a
second: long enough for many previews at a 50 ms interval.
"""

from __future__ import annotations

import copy
import json
import time

import httpx
import jsonschema
import pytest

from backend.app.streaming.block_preview import BlockPreview
from tests.fakes.scripts import Script
from tests.support.lessons import LESSON
from tests.support.live_server import live_server_on_fake, new_user
from tests.support.live_turns import start_lesson, theory_stream_url
from tests.support.sse_client import SSEItems, read_events

pytestmark = pytest.mark.live

INTERVAL_MS = 50


def _long_lesson() -> list[dict]:
    """The test lesson with every block's text long enough to take about half a second."""
    lesson = copy.deepcopy(LESSON)
    lesson[0]["data"]["title"] += " 대규모 언어 모델의 원리와 쓰임새를 차근차근 알아봐요" * 2
    for block in lesson[1:]:
        block["data"]["title" if "title" in block["data"] else "content"] += (
            " 예를 들어 볼게요." * 12
        )
    return lesson


LONG_LESSON = _long_lesson()
# About 5 s for the whole lesson: 8 characters every 20 ms.
PACED = Script(content=json.dumps(LONG_LESSON, ensure_ascii=False), chunk_size=8, chunk_delay=0.02)


@pytest.fixture(scope="module")
def server(fake_openai_module, tmp_path_factory):
    """Two gevent workers on the module's fake model, previews every 50 ms."""
    data_dir = tmp_path_factory.mktemp("previews-live")
    with live_server_on_fake(
        fake_openai_module, data_dir, workers=2, STREAM_PREVIEW_INTERVAL_MS=str(INTERVAL_MS)
    ) as live:
        yield live


@pytest.fixture
def fake(fake_openai_shared):
    fake_openai_shared.set_default(PACED)
    return fake_openai_shared


def text_of(raw_block: str) -> str:
    """The DESIGN 4.2.3 text of a whole block (through the same reader the server uses)."""
    preview = BlockPreview(1)
    preview.feed(raw_block)
    return preview.text


def shown_texts(items: SSEItems) -> dict[int, str]:
    """Each block id's text as a client that applies the previews' appends would have it."""
    texts: dict[int, str] = {}
    for item in items.events:
        data = item.data
        if data["type"] != "block_preview":
            continue
        assert item.id is None, "previews carry no id"
        current = texts.get(data["block_id"], "") if data["offset"] else ""
        assert data["offset"] == len(current), f"a gap or overlap in the appends: {data}"
        texts[data["block_id"]] = current + data["text"]
    return texts


def test_previews_show_each_block_as_it_is_written(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    items = read_events(f"{theory_stream_url(server.base_url, ticket)}?preview=1", timeout=60)
    events = [item.data for item in items.events]
    assert events[-1]["type"] == "stream_complete", events[-1]
    logged = [item for item in items.events if item.data["type"] != "block_preview"]
    assert [item.id for item in logged] == list(range(1, len(logged) + 1))
    texts = shown_texts(items)
    assert sorted(texts) == [1, 2, 3, 4]
    for number, block in enumerate(LONG_LESSON, start=1):
        whole = text_of(json.dumps(block, ensure_ascii=False))
        assert texts[number] and whole.startswith(texts[number]), (number, texts[number])
        positions = [i for i, e in enumerate(events) if e.get("block_id") == number]
        kinds = [events[i]["type"] for i in positions]
        # Previews of a block, then the block itself, and nothing of it after.
        assert kinds[-1] == "theory_block" and set(kinds[:-1]) == {"block_preview"}, kinds
        assert events[positions[-2]]["block_type"] == block["block_type"]
    document = httpx.get(f"{server.base_url}/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/learning/theory-stream/{temp_id}"]["get"]
    schema = operation["responses"]["200"]["content"]["text/event-stream"]["schema"]
    payloads = {"oneOf": schema["properties"]["data"]["contentSchema"]["oneOf"]}
    for event in events:
        jsonschema.validate(event, payloads)  # previews too: one documented shape


def test_a_malformed_preview_flag_is_refused_before_the_ticket_is_claimed(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    refused = httpx.get(f"{theory_stream_url(server.base_url, ticket)}?preview=yes")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "VALIDATION_ERROR"
    items = read_events(theory_stream_url(server.base_url, ticket), timeout=60)
    assert items.events[-1].data["type"] == "stream_complete"  # the ticket still works


def test_without_preview_the_stream_has_no_previews(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    items = read_events(theory_stream_url(server.base_url, ticket), timeout=60)
    types = [item.data["type"] for item in items.events]
    assert types == ["stream_start"] + ["theory_block"] * 4 + ["stream_complete"]
    assert all(item.id is not None for item in items.events)


def test_previews_are_never_replayed(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    url = f"{theory_stream_url(server.base_url, ticket)}?preview=1"
    first = read_events(url, timeout=60)
    assert any(item.data["type"] == "block_preview" for item in first.events)
    replay = read_events(url, {**headers, "Last-Event-ID": "0"}, timeout=30)
    assert [item.data for item in replay.events] == [
        item.data for item in first.events if item.data["type"] != "block_preview"
    ]


def test_previews_are_coalesced_to_one_per_interval(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    items = read_events(f"{theory_stream_url(server.base_url, ticket)}?preview=1", timeout=60)
    times = [item.at for item in items.events if item.data["type"] == "block_preview"]
    assert len(times) >= 10
    seconds = times[-1] - times[0]
    # The fake sends 50 chunks a second; at most 20 previews a second may go out. Arrival
    # times on a busy machine can bunch, hence the allowance; one preview per chunk (what
    # no coalescing would send) is 2.5 times the bound.
    assert len(times) <= seconds * (1000 / INTERVAL_MS) * 1.5 + 3


def test_a_reconnect_mid_block_gets_the_block_from_offset_zero(server, fake):
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    url = f"{theory_stream_url(server.base_url, ticket)}?preview=1"

    def mid_block(item) -> bool:
        data = item.data or {}
        return data.get("type") == "block_preview" and data["offset"] > 0

    before = read_events(url, on_item=mid_block, timeout=60)
    last_id = max(item.id for item in before.events if item.id is not None)
    shown = shown_texts(before)
    block_id = before.events[-1].data["block_id"]
    time.sleep(0.1)
    after = read_events(url, {**headers, "Last-Event-ID": str(last_id)}, timeout=60)
    resumed = [item.data for item in after.events if item.data["type"] == "block_preview"]
    first = resumed[0]
    assert first["offset"] == 0
    if first["block_id"] == block_id:  # still the same block: its text from the start
        assert first["text"].startswith(shown[block_id])
    assert after.events[-1].data["type"] == "stream_complete"


def test_an_invalid_block_is_cleared_by_the_next_blocks_preview(server, fake_openai_shared):
    invalid = {"block_type": "section", "data": {"type": "introduction", "oops": "틀린 블록" * 20}}
    lesson = [LONG_LESSON[0], invalid, *LONG_LESSON[1:]]
    content = json.dumps(lesson, ensure_ascii=False)
    fake_openai_shared.set_default(Script(content=content, chunk_size=8, chunk_delay=0.02))
    headers = new_user(server.base_url)
    ticket, _ = start_lesson(server.base_url, headers)
    items = read_events(f"{theory_stream_url(server.base_url, ticket)}?preview=1", timeout=60)
    events = [item.data for item in items.events]
    assert events[-1]["type"] == "stream_complete" and events[-1]["skipped_blocks"] == 1
    second = [e for e in events if e.get("block_id") == 2]
    shown = "".join(e["text"] for e in second if e["type"] == "block_preview")
    assert "틀린 블록" in shown  # the invalid block was shown while written...
    restarts = [e for e in second[1:] if e["type"] == "block_preview" and e["offset"] == 0]
    assert restarts, "the next block never cleared the invalid one"
    texts = shown_texts(items)
    assert "틀린 블록" not in texts[2] and texts[2]  # ...and replaced by the next block's text
    assert second[-1]["type"] == "theory_block"
    assert second[-1]["data"]["content"] == LONG_LESSON[1]["data"]["content"]
