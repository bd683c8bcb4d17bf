"""Problem generation inside one app (Flask test client): clients on chosen settings, one call."""

from __future__ import annotations

from backend.app import create_app
from tests.conftest import AuthHelper
from tests.support.problem_scripts import GENERATE, read_ndjson

BODY = {"prompt": "그래프 최단 경로를 연습하는 문제", "difficulty": "medium"}


def app_client(make_settings, **overrides):
    """A test client on its own app (settings overridden) and a fresh user's headers."""
    client = create_app(make_settings(**overrides)).test_client()
    return client, AuthHelper(client).new_user_headers()


def openai_client(make_settings, fake, **overrides):
    """app_client on the OpenAI fake, without client retries."""
    return app_client(
        make_settings,
        LLM_PROVIDER="openai",
        OPENAI_API_KEY="k",
        OPENAI_BASE_URL=fake.base_url,
        LLM_MAX_RETRIES=0,
        **overrides,
    )


def generate(client, headers, body=BODY):
    response = client.post(GENERATE, json=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    return read_ndjson(response.get_data(as_text=True))
