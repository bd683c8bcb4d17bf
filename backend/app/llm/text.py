"""Plain text out of a chat message, whatever shape the provider gave its content."""

from __future__ import annotations

from typing import Any


def content_text(content: Any) -> str:
    """Join string content or a list of content parts (Gemini, Anthropic style) into text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type") in (None, "text"):
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return ""
