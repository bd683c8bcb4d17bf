"""A scripted OpenAI-compatible server (chat completions, streamed or not) for tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.fakes.scripted_handler import ScriptedHandler
from tests.fakes.scripted_server import ScriptedServer
from tests.fakes.scripts import RequestRecord, Script

FINGERPRINT = "fp_fake"
MODELS = ("gpt-4o-mini", "gpt-4o")


def count_words(messages: Any) -> int:
    """A stable stand-in for prompt tokens: the words in every text part of the messages."""
    total = 0
    for message in messages if isinstance(messages, list) else []:
        content = message.get("content") if isinstance(message, dict) else None
        parts = content if isinstance(content, list) else [content]
        for part in parts:
            text = part.get("text") if isinstance(part, dict) else part
            total += len(text.split()) if isinstance(text, str) else 0
    return total


class _OpenAIHandler(ScriptedHandler):
    """Routes `/v1/chat/completions` and `/v1/models` and shapes OpenAI JSON."""

    def do_GET(self) -> None:
        """List the models (not scripted, not recorded)."""
        if urlsplit(self.path).path.rstrip("/") != "/v1/models":
            self.send_json(404, self.error_body(404, f"Unknown path {self.path}"))
            return
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in MODELS]
        self.send_json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        """Answer a chat completion with the next scripted response."""
        body = self.read_json()
        if urlsplit(self.path).path.rstrip("/") != "/v1/chat/completions":
            self.send_json(404, self.error_body(404, f"Unknown path {self.path}"))
            return
        if not isinstance(body, dict):
            self.send_json(400, self.error_body(400, "The body must be a JSON object."))
            return
        record = self.open_request(
            body,
            model=body.get("model"),
            stream=bool(body.get("stream")),
            messages=list(body.get("messages") or []),
        )
        self.serve(record)

    def _base(self, record: RequestRecord) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-fake{record.index}",
            "created": int(record.received_wall),
            "model": record.model or MODELS[0],
            "system_fingerprint": FINGERPRINT,
        }

    def _usage(self, record: RequestRecord, pieces: list[str]) -> dict[str, int]:
        prompt, completion = count_words(record.messages), len(pieces)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _chunk(self, record: RequestRecord, delta: dict[str, Any], finish: str | None = None):
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk = {**self._base(record), "object": "chat.completion.chunk", "choices": [choice]}
        if self._include_usage(record):
            # With include_usage, OpenAI sends `"usage": null` on every chunk but the last.
            chunk["usage"] = None
        return chunk

    def _finish_reason(self, record: RequestRecord) -> str:
        return record.script.finish_reason if record.script else "stop"

    def _include_usage(self, record: RequestRecord) -> bool:
        options = record.body.get("stream_options") or {}
        return bool(options.get("include_usage"))

    def stream_events(self, record: RequestRecord, pieces: list[str], i: int) -> list[Any]:
        """The role chunk precedes the first content chunk, as with the real API."""
        events = [self._chunk(record, {"role": "assistant", "content": ""})] if i == 0 else []
        return [*events, self._chunk(record, {"content": pieces[i]})]

    def tail_events(self, record: RequestRecord, pieces: list[str]) -> list[Any]:
        """Finish reason, optional usage chunk (empty choices), then [DONE]."""
        events: list[Any] = []
        if not pieces:
            events.append(self._chunk(record, {"role": "assistant", "content": ""}))
        events.append(self._chunk(record, {}, finish=self._finish_reason(record)))
        if self._include_usage(record):
            usage = {**self._base(record), "object": "chat.completion.chunk", "choices": []}
            events.append({**usage, "usage": self._usage(record, pieces)})
        return [*events, "[DONE]"]

    def full_response(self, record: RequestRecord, pieces: list[str]) -> dict[str, Any]:
        """A `chat.completion` object with usage."""
        message = {"role": "assistant", "content": "".join(pieces), "refusal": None}
        finish = self._finish_reason(record)
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
        return {
            **self._base(record),
            "object": "chat.completion",
            "choices": [choice],
            "usage": self._usage(record, pieces),
        }

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        """OpenAI's error envelope."""
        kind = "server_error" if status >= 500 else "invalid_request_error"
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}


class FakeOpenAIServer(ScriptedServer):
    """Scripted OpenAI-compatible server; point clients at `base_url` (ends in /v1)."""

    handler_class = _OpenAIHandler

    @property
    def base_url(self) -> str:
        """The OpenAI client's base URL."""
        return f"{self.url}/v1"

    def product_settings(self) -> dict:
        """Settings that point the product's ChatOpenAI at this fake, with no retries."""
        return {
            "LLM_PROVIDER": "openai",
            "OPENAI_API_KEY": "k",
            "OPENAI_BASE_URL": self.base_url,
            "LLM_MAX_RETRIES": 0,
        }


__all__ = ["FakeOpenAIServer", "Script"]
