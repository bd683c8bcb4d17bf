"""Tickets at rest on a live gevent server: the WAL is emptied off the hub, on another path."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.data_files import files_holding
from tests.support.live_server import new_user
from tests.support.sse_client import read_events

pytestmark = pytest.mark.live


def test_an_ended_lesson_leaves_its_ticket_in_no_file_of_a_gevent_server(live_server_factory):
    server = live_server_factory(workers=2)
    data_dir = server.log_path.parent
    base = server.base_url
    headers = new_user(base)
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요"}
    started = httpx.post(f"{base}/api/v1/learning/session/start", json=body, headers=headers)
    assert started.status_code == 200, started.text
    data = started.json()["data"]
    ticket, session_id = (
        data["workflow_response"]["temp_session_id"],
        data["session_info"]["session_id"],
    )
    assert files_holding(data_dir, ticket)  # live: the sessions index offers it for resuming

    items = read_events(f"{base}/api/v1/learning/theory-stream/{ticket}")
    assert items.events[0].data == {
        "type": "stream_start",
        "temp_session_id": ticket,
        "estimated_blocks": 4,
    }
    assert items.events[-1].type == "stream_complete"

    # The run's end work and the WAL's emptying run after the last event: poll, bounded.
    deadline = time.monotonic() + 20
    while True:
        view = httpx.get(f"{base}/api/v1/learning/session/{session_id}", headers=headers)
        holding = files_holding(data_dir, ticket)
        if view.json()["data"]["active_run"] is None and not holding:
            break
        assert time.monotonic() < deadline, f"the ticket is still in {holding}"
        time.sleep(0.2)
    assert "Could not empty" not in server.log()
