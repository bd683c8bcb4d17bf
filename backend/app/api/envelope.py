"""The success envelope of DESIGN 4.0: `{"success": true, "data": {...}}`."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import BaseModel


def ok(data: BaseModel | dict[str, Any], status: int = 200, headers: dict | None = None):
    """Wrap `data` in the success envelope."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    response = jsonify({"success": True, "data": data})
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response
