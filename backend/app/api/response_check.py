"""spectree `after` hook: a success body that breaks its documented model is our own bug.

spectree would answer it with a 500 whose body is pydantic's error list; the client gets
the one error shape instead (INTERNAL_ERROR, nothing internal), and the log gets the fields.
"""

from __future__ import annotations

import logging

from backend.app.errors import APIError

log = logging.getLogger(__name__)


def reject_undocumented_response(req, resp, resp_validation_error, instance, model_adapter):
    """Turn a response that fails its model into a logged 500 INTERNAL_ERROR."""
    if resp_validation_error is None:
        return
    # Field locations and messages only: the values may be tokens or a learner's text.
    fields = [
        (".".join(str(part) for part in err["loc"]), err["type"])
        for err in resp_validation_error.errors(include_input=False, include_url=False)
    ]
    log.error("Response of %s %s breaks its documented model: %s", req.method, req.path, fields)
    raise APIError(500, "INTERNAL_ERROR")
