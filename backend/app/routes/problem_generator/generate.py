"""POST /api/v1/problems/generate-stream: one coding problem, streamed as NDJSON."""

from __future__ import annotations

from flask import current_app, request
from flask_jwt_extended import current_user, jwt_required
from pydantic import Field

from backend.app.api.ndjson_lines import PROBLEM_STREAM_SCHEMA
from backend.app.api.responses import LLM_LIMITS, STREAM_HEADERS, VALIDATED_BODY, documented
from backend.app.api.schemas import StrictModel, trimmed_str
from backend.app.domain.problems import MAX_ALGORITHM_TYPE_CHARS, Difficulty
from backend.app.extensions import spec
from backend.app.limits import llm_rate_limit
from backend.app.routes.problem_generator import bp
from backend.app.services.container import services
from backend.app.storage.unavailable import unavailable_message, until_engine_fails
from backend.app.streaming.framing import ndjson_line
from backend.app.streaming.socket_options import prepare_stream_socket

NDJSON_HEADERS = {
    "Content-Type": "application/x-ndjson",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}

PromptText = trimmed_str(1, 2000)
AlgorithmType = trimmed_str(1, MAX_ALGORITHM_TYPE_CHARS, single_line=True)
# The lines that end a problem stream (ndjson_line puts `type` first).
TERMINAL_LINES = ('{"type":"result"', '{"type":"error"')


class GenerateProblemRequest(StrictModel):
    """What problem to generate."""

    prompt: PromptText = Field(examples=["그래프 최단 경로를 연습할 수 있는 문제"])
    difficulty: Difficulty = Field(examples=["medium"])
    algorithm_type: AlgorithmType | None = Field(None, examples=["graph"])


@bp.post("/generate-stream")
@jwt_required()
@llm_rate_limit
@spec.validate(
    json=GenerateProblemRequest,
    # The NDJSON stream: documented, never validated (it is not one JSON document).
    resp=documented(
        200,
        media_type="application/x-ndjson",
        body_schema=PROBLEM_STREAM_SCHEMA,
        headers=STREAM_HEADERS,
        # 503: Redis or the database down when the run slot is taken (no line sent yet).
        errors=(*VALIDATED_BODY, 401, *LLM_LIMITS, 503),
        description="One JSON object per line: `status`, `token`, then `result` or `error` "
        "(the schema describes the stream as the list of its lines).",
    ),
    tags=["problems"],
    security=[{"bearer": []}],
)
def generate_stream(json: GenerateProblemRequest):
    """Status steps, description tokens and the saved problem, one JSON object per line."""
    settings = current_app.config["SETTINGS"]
    prepare_stream_socket(request.environ, settings.STREAM_SEND_TIMEOUT_SECONDS)
    # Taking the run slot may find Redis (or the database) down: a 503 before any line.
    lines = services().problem_streams.open(
        current_user.id, json.prompt, json.difficulty, json.algorithm_type
    )
    lines = until_engine_fails(
        lines, _store_unavailable, lambda line: line.startswith(TERMINAL_LINES)
    )
    # A (body, status, headers) tuple, not a Response: spectree reads a Response's whole
    # body (get_data) after the view, which would buffer the stream; a generator body it
    # leaves to Flask, which streams it.
    return lines, 200, NDJSON_HEADERS


def _store_unavailable(engine: str) -> str:
    """The `error` line (DESIGN 4.3) a stream ends with when an engine fails mid-stream."""
    return ndjson_line(
        "error", {"code": "STORE_UNAVAILABLE", "message": unavailable_message(engine)}
    )
