"""A scripted fake of the Gemini REST API (generateContent, streamed or not) for tests."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.scripted_handler import ScriptedHandler
from tests.fakes.scripted_server import ScriptedServer
from tests.fakes.scripts import RequestRecord, Script

# What the google-genai SDK calls: {base_url}/{api_version}/models/{model}:{method}.
_ROUTE = re.compile(r"^/(?P<version>v1\w*)/models/(?P<model>[^/:]+):(?P<method>\w+)$")
_METHODS = {"generateContent": False, "streamGenerateContent": True}
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def count_words(contents: Any) -> int:
    """A stable stand-in for prompt tokens: the words in every text part."""
    total = 0
    for content in contents if isinstance(contents, list) else []:
        parts = content.get("parts") if isinstance(content, dict) else None
        for part in parts if isinstance(parts, list) else []:
            text = part.get("text") if isinstance(part, dict) else None
            total += len(text.split()) if isinstance(text, str) else 0
    return total


class _GeminiHandler(ScriptedHandler):
    """Routes `models/<model>:(stream)generateContent` and shapes Gemini JSON."""

    def do_POST(self) -> None:
        """Answer generateContent / streamGenerateContent with the next scripted response."""
        body = self.read_json()
        match = _ROUTE.match(urlsplit(self.path).path)
        if not match or match["method"] not in _METHODS:
            self.send_json(404, self.error_body(404, f"Unknown path {self.path}"))
            return
        if not isinstance(body, dict):
            self.send_json(400, self.error_body(400, "The body must be a JSON object."))
            return
        record = self.open_request(
            body,
            model=match["model"],
            stream=_METHODS[match["method"]],
            messages=list(body.get("contents") or []),
        )
        self.serve(record)

    def split(self, script: Script) -> list[str]:
        """Gemini always answers with at least one candidate, even for empty text."""
        return script.chunks() or [""]

    def _response(
        self, record: RequestRecord, text: str, produced: int, last: bool
    ) -> dict[str, Any]:
        candidate: dict[str, Any] = {
            "content": {"parts": [{"text": text}], "role": "model"},
            "index": 0,
        }
        if last:  # a script's "length" is Gemini's MAX_TOKENS
            finish = record.script.finish_reason if record.script else "stop"
            candidate["finishReason"] = "MAX_TOKENS" if finish == "length" else "STOP"
        prompt = count_words(record.messages)
        # Like the real API, every chunk carries the cumulative usage so far.
        usage = {
            "promptTokenCount": prompt,
            "candidatesTokenCount": produced,
            "totalTokenCount": prompt + produced,
        }
        return {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": record.model,
            "responseId": f"fake-{record.index}",
        }

    def stream_events(self, record: RequestRecord, pieces: list[str], i: int) -> list[Any]:
        """One GenerateContentResponse per chunk; the last one has finishReason STOP."""
        return [self._response(record, pieces[i], i + 1, last=i == len(pieces) - 1)]

    def full_response(self, record: RequestRecord, pieces: list[str]) -> dict[str, Any]:
        """The whole answer as one GenerateContentResponse."""
        return self._response(record, "".join(pieces), len(pieces), last=True)

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        """Google's error envelope."""
        name = _STATUS_NAMES.get(status, "UNKNOWN")
        return {"error": {"code": status, "message": message, "status": name}}


class FakeGeminiServer(ScriptedServer):
    """Scripted Gemini API server; pass `base_url` to ChatGoogleGenerativeAI(base_url=...)."""

    handler_class = _GeminiHandler


__all__ = ["FakeGeminiServer", "Script"]
