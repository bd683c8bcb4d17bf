"""Failures of model calls, mapped to HTTP by the app's error handlers."""


class GenerationFailed(Exception):
    """The model answered, but its output stayed unusable after the retry (502)."""


class ModelUnavailable(Exception):
    """The model could not be reached or kept failing within its bounded retries (503)."""
