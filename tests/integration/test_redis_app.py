"""The app on a Redis stream store: two app instances (two workers or hosts) share one Redis.

A lesson opened on one instance streams, resumes and is cancelled from the other; the
limiter's counters are shared too. DESIGN 4.4.
"""

from __future__ import annotations

import pytest
import redis

from backend.app import create_app
from backend.app.config import ConfigError
from tests.support.app_turns import start_lesson
from tests.support.sse_client import app_events


@pytest.fixture
def settings(make_settings, redis_url, redis_prefix):
    """Every app of the test on the session's Redis, under the test's own key prefix."""
    return make_settings(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)


@pytest.fixture
def other_client(settings):
    """A second app instance on the same settings: another worker or host."""
    return create_app(settings).test_client()


@pytest.fixture
def headers(auth):
    return auth.new_user_headers()


def theory_stream(ticket: str) -> str:
    return f"/api/v1/learning/theory-stream/{ticket}"


def test_a_lesson_opened_on_one_instance_streams_and_resumes_on_another(
    client, other_client, headers, settings, redis_url, redis_prefix
):
    session_id, ticket = start_lesson(client, headers)
    stream = app_events(other_client, theory_stream(ticket))
    types = [event["type"] for _, event in stream]
    assert types == ["stream_start"] + ["theory_block"] * 4 + ["stream_complete"]
    resumed = app_events(client, theory_stream(ticket), **{"Last-Event-ID": "3"})
    assert resumed == stream[3:]
    view = client.get(f"/api/v1/learning/session/{session_id}", headers=headers).json["data"]
    assert view["session_progress_stage"] == "theory_completed" and view["active_run"] is None
    # The stream's state lived in Redis, under the app's prefix; no stream file was made.
    keys = redis.Redis.from_url(redis_url).keys(f"{redis_prefix}stream:run:*")
    assert len(keys) == 1
    assert not (settings.DATA_DIR / "streams.db").exists()


def test_a_cancel_on_one_instance_stops_a_lesson_claimed_on_neither(client, other_client, headers):
    _, ticket = start_lesson(client, headers)
    cancel = other_client.post(f"{theory_stream(ticket)}/cancel", headers=headers)
    assert cancel.status_code == 202
    (only,) = app_events(client, theory_stream(ticket))
    assert only[1]["type"] == "stream_error" and only[1]["code"] == "CANCELLED"


def test_login_limits_are_counted_across_instances(make_settings, redis_url, redis_prefix):
    settings = make_settings(
        REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix, RATE_LIMIT_LOGIN="2/minute"
    )
    first, second = (create_app(settings).test_client() for _ in range(2))
    body = {"username": "shared_limit", "password": "correct horse battery"}
    assert first.post("/api/v1/auth/register", json=body).status_code == 201
    wrong = {**body, "password": "wrong password!"}
    statuses = [
        app.post("/api/v1/auth/login", json=wrong).status_code for app in (first, second, first)
    ]
    assert statuses == [401, 401, 429]


def test_an_explicit_limiter_storage_wins_over_redis_url(make_settings, redis_url):
    settings = make_settings(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI="memory://")
    assert settings.ratelimit_storage_uri == "memory://"
    assert settings.stream_store == "redis"
    assert make_settings(REDIS_URL=redis_url, STREAM_STORE="sqlite").stream_store == "sqlite"


def test_a_redis_stream_store_without_redis_url_is_refused_at_start(make_settings):
    with pytest.raises(ConfigError, match="REDIS_URL"):
        create_app(make_settings(STREAM_STORE="redis"))
