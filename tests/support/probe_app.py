"""The product app plus one probe route that streams straight from the configured model.

Served by a live gunicorn in tests that need an LLM stream in the request path before the
product's own streaming routes exist, or to isolate the provider layer from them.
"""

from __future__ import annotations

import json

from flask import Response, current_app, stream_with_context

from backend.app import create_app
from backend.app.llm import create_chat_model

app = create_app()


@app.get("/probe/llm-stream")
def llm_stream():
    """NDJSON: one line per model chunk, then a done line."""
    model = create_chat_model(current_app.config["SETTINGS"])

    def lines():
        for chunk in model.stream("probe"):
            if chunk.content:
                yield json.dumps({"text": chunk.content}) + "\n"
        yield json.dumps({"done": True}) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")
