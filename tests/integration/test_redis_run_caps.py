"""MAX_CONCURRENT_RUNS_PER_USER on Redis: one count for a user over every app instance.

Two app instances (two workers or hosts) on one Redis: lessons opened on either count
against one cap, a third is refused with 429 RATE_LIMITED on both, and a lesson that
ends (streamed on the other instance) frees its slot for the first. DESIGN 4.0, 4.4.
"""

from __future__ import annotations

import pytest
import redis

from backend.app import create_app
from backend.app.services.container import services
from backend.app.streaming.redis import RedisRunCaps
from tests.support.app_turns import START, start_lesson
from tests.support.sse_client import app_events

BODY = {"chapter_number": 2, "section_number": 1, "user_message": "시작할게요"}


@pytest.fixture
def settings(make_settings, redis_url, redis_prefix):
    """Both instances on the session's Redis, two runs per user."""
    return make_settings(
        REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix, MAX_CONCURRENT_RUNS_PER_USER=2
    )


@pytest.fixture
def other_client(settings):
    """A second app instance on the same settings: another worker or host."""
    return create_app(settings).test_client()


def test_the_app_counts_runs_on_the_redis_of_its_stream_store(app, settings, redis_url):
    caps = services(app).run_slots
    assert isinstance(caps, RedisRunCaps) and caps.cap == 2
    caps.acquire("someone", "run-1", "lesson")
    key = f"{settings.REDIS_KEY_PREFIX}caps:user:someone"
    assert redis.Redis.from_url(redis_url).zcard(key) == 1
    caps.release("run-1")


def test_the_cap_holds_across_two_app_instances(client, other_client, auth):
    headers = auth.new_user_headers()
    _, first_ticket = start_lesson(client, headers)
    start_lesson(other_client, headers)
    for instance in (client, other_client):
        refused = instance.post(START, json=BODY, headers=headers)
        assert refused.status_code == 429, refused.json
        assert refused.json["error"]["code"] == "RATE_LIMITED"
        assert "At most 2 generations" in refused.json["error"]["message"]  # the cap's 429
        assert int(refused.headers["Retry-After"]) >= 1
    # Someone else is not limited by this user's runs.
    start_lesson(other_client, auth.new_user_headers())
    # The first lesson, streamed to its end on the other instance, gives its slot back.
    stream = app_events(other_client, f"/api/v1/learning/theory-stream/{first_ticket}")
    assert stream[-1][1]["type"] == "stream_complete"
    start_lesson(client, headers)
