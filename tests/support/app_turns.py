"""Learning turns through a Flask test client (in-process), shared by integration tests."""

from __future__ import annotations

START = "/api/v1/learning/session/start"


def start_lesson(client, headers) -> tuple[str, str]:
    """Open a streamed lesson on 2-1: its session id and its stream ticket."""
    body = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요"}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 200, response.json
    data = response.json["data"]
    return data["session_info"]["session_id"], data["workflow_response"]["temp_session_id"]
