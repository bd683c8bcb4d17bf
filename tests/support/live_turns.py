"""Lessons and answers on a live server: open them, name their stream URLs, read answers.

Shared by the live stream test modules (theory, answers, limits, deadlines).
"""

from __future__ import annotations

import json

import httpx

from tests.fakes.scripts import Script
from tests.support.lessons import LESSON

START = "/api/v1/learning/session/start"
LESSON_JSON = json.dumps(LESSON, ensure_ascii=False)
QUESTION = "임베딩은 왜 벡터로 표현하나요?"
ANSWER = (
    "좋은 질문이에요! 임베딩은 단어나 문장의 의미를 숫자 벡터로 나타낸 것이에요. "
    "벡터로 표현하면 의미가 비슷한 것끼리 가까이 놓이므로 거리로 유사도를 잴 수 있어요.\n\n"
    "참고: 「임베딩의 개념」"
)
INTENT = json.dumps({"intent": "question", "reason": "강의 내용에 대한 질문"}, ensure_ascii=False)


def start_lesson(base: str, headers: dict[str, str], **body) -> tuple[str, str]:
    """POST session/start (streamed); the ticket and the session id."""
    payload = {"chapter_number": 2, "section_number": 1, "user_message": "시작", **body}
    response = httpx.post(
        f"{base}{START}", json=payload, headers={**headers, "Connection": "close"}, timeout=30
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    workflow = data["workflow_response"]
    assert workflow["streaming"] is True, workflow
    return workflow["temp_session_id"], data["session_info"]["session_id"]


def theory_stream_url(base: str, ticket: str) -> str:
    """The lesson stream URL of a ticket."""
    return f"{base}/api/v1/learning/theory-stream/{ticket}"


def ask(base: str, headers: dict, fake, answer: Script) -> tuple[str, str]:
    """Open a session (whole lesson), then ask QUESTION; the answer ticket and session id."""
    start = httpx.post(
        f"{base}{START}",
        json={"chapter_number": 2, "section_number": 1, "streaming": False},
        headers=headers,
        timeout=30,
    )
    assert start.status_code == 200, start.text
    session_id = start.json()["data"]["session_info"]["session_id"]
    fake.script(INTENT, answer)
    message = httpx.post(
        f"{base}/api/v1/learning/session/message",
        json={"session_id": session_id, "user_message": QUESTION},
        headers=headers,
        timeout=30,
    )
    assert message.status_code == 200, message.text
    flow = message.json()["data"]["workflow_response"]
    assert flow["current_agent"] == "qna_resolver" and flow["streaming"] is True, flow
    return flow["temp_session_id"], session_id


def qna_stream_url(base: str, ticket: str) -> str:
    """The answer stream URL of a ticket."""
    return f"{base}/api/v1/learning/qna-stream/{ticket}"


def answer_text(items) -> str:
    """The answer text carried by the `qna_token` events read from a stream."""
    return "".join(item.data["text"] for item in items.events if item.type == "qna_token")
