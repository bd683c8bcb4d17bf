"""Failures of the generated-problem store."""


class ProblemStoreError(Exception):
    """Base of every problem-store failure."""


class StoreUnavailable(ProblemStoreError):
    """The store could not be reached, throttled us, or failed on its side; retry later."""


class ProblemRejected(ProblemStoreError):
    """The store refused the record itself (e.g. over DynamoDB's 400 KB); no retry helps."""


class ProblemConflict(ProblemStoreError):
    """A problem with this id already exists and was saved by a different request."""


class InvalidCursor(ProblemStoreError, ValueError):
    """A paging cursor that this store did not issue for this user."""
