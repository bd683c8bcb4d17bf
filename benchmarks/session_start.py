"""session/start overhead outside the LLM call: offline model at rate 0, through the app.

Prints one JSON object with p50/p99 of the whole request and of the model call alone
(measured in the same run), and their difference: the overhead the issue bounds (50 ms).
"""

from __future__ import annotations

import json
import tempfile
import time

from backend.app import create_app
from backend.app.config import Settings
from backend.app.course import get_course
from backend.app.llm.offline import OfflineChatModel
from backend.app.tools.content.lesson_context import prepare_lesson_context
from backend.app.tools.content.theory_prompts import build_lesson_messages
from benchmarks.common import percentile

ROUNDS = 60


def main() -> None:
    """Time session/start and the bare model call, interleaved."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None, APP_ENV="testing", DATA_DIR=data_dir, LOG_LEVEL="WARNING",
            OFFLINE_LLM_TOKENS_PER_SECOND=0, RATE_LIMIT_LLM="100000/minute",
        )  # fmt: skip
        client = create_app(settings).test_client()
        account = {"username": "bench_user", "password": "benchmark password"}
        client.post("/api/v1/auth/register", json=account)
        token = client.post("/api/v1/auth/login", json=account).json["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        section = get_course().section(2, 1)
        model = OfflineChatModel(tokens_per_second=0)
        messages = build_lesson_messages(
            prepare_lesson_context(section, user_type="beginner", is_retry_session=False)
        )
        whole, model_only = [], []
        body = {
            "chapter_number": 2,
            "section_number": 1,
            "user_message": "시작할게요",
            "streaming": False,
        }
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.post("/api/v1/learning/session/start", json=body, headers=headers)
            whole.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.json
            started = time.perf_counter()
            model.invoke(messages)
            model_only.append((time.perf_counter() - started) * 1000)
    result = {
        "benchmark": "session_start_overhead",
        "rounds": ROUNDS,
        "request_ms": {
            "p50": round(percentile(whole, 0.5), 2),
            "p99": round(percentile(whole, 0.99), 2),
        },
        "model_call_ms": {
            "p50": round(percentile(model_only, 0.5), 2),
            "p99": round(percentile(model_only, 0.99), 2),
        },
        "overhead_p50_ms": round(percentile(whole, 0.5) - percentile(model_only, 0.5), 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
