"""What the engines-down tests (Redis, Postgres) check of every answer during an outage."""

from __future__ import annotations


def theory_stream(ticket: str) -> str:
    """The lesson stream path of a ticket."""
    return f"/api/v1/learning/theory-stream/{ticket}"


def assert_unavailable(response, engine: str) -> None:
    """503 UPSTREAM_UNAVAILABLE in the one error shape, naming the engine, no traceback."""
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.json["error"]
    assert response.json["success"] is False and error["code"] == "UPSTREAM_UNAVAILABLE"
    assert engine in error["message"] and error["request_id"]
    assert "Traceback" not in response.get_data(as_text=True)
