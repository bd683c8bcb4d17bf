"""Which exceptions mean "an engine is down": the one place that says so (DESIGN 4.4).

Redis (stream store, run caps, the limiter's counters) or Postgres (users, sessions, the
checkpointer) being unreachable is not a bug of ours: requests answer 503
UPSTREAM_UNAVAILABLE, streams end with `stream_error STORE_UNAVAILABLE`, and service
resumes by itself when the engine returns. Anything else stays an internal error.

The drivers are imported lazily and only if installed, so a one-host deployment that
never loads them pays nothing for this.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from functools import cache

log = logging.getLogger(__name__)

STREAM_STORE = "stream store"
DATABASE = "database"

# An exception wrapped by a few layers (a driver error re-raised by SQLAlchemy or a
# library) still counts; deeper chains are not followed.
MAX_CHAIN = 5


def unavailable_engine(exc: BaseException) -> str | None:
    """The engine ("stream store" or "database") `exc` says is unreachable, else None."""
    seen = 0
    while exc is not None and seen < MAX_CHAIN:
        engine = _classify(exc)
        if engine is not None:
            return engine
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def unavailable_message(engine: str) -> str:
    """What a client is told when `engine` is down."""
    return f"The {engine} is unavailable. Try again later."


def failure_summary(exc: BaseException) -> str:
    """One short line for the log: the error's type and first line, never a SQL statement.

    SQLAlchemy's message carries the statement and its parameters (learners' data); the
    driver's own error beneath it says what went wrong.
    """
    orig = getattr(exc, "orig", None)
    shown = orig if isinstance(orig, BaseException) else exc
    first_line = (str(shown).strip().splitlines() or [""])[0]
    return f"{type(shown).__name__}: {first_line[:200]}"


def until_engine_fails(
    body: Iterator[str], last_words: Callable[[str], str], ended: Callable[[str], bool]
) -> Iterator[str]:
    """`body`, ended by `last_words(engine)` rather than a cut connection if an engine fails.

    A stream's body runs after its response began (HTTP 200), so a failure there can no
    longer be a 503: the client gets the stream's own error event instead, unless a chunk
    for which `ended` is true already closed the stream (a failure while cleaning up after
    the terminal event is only logged).
    """
    finished = False
    try:
        for chunk in body:
            finished = finished or ended(chunk)
            yield chunk
    except Exception as exc:
        engine = unavailable_engine(exc)
        if engine is None:
            raise
        log.warning("The %s failed during a stream: %s", engine, failure_summary(exc))
        if not finished:
            yield last_words(engine)
    finally:
        close = getattr(body, "close", None)
        if close is not None:  # the client left: stop the body's producer too
            close()


def _classify(exc: BaseException) -> str | None:
    redis_errors, database_errors = _driver_errors()
    if isinstance(exc, redis_errors):
        return STREAM_STORE
    if isinstance(exc, database_errors):
        return DATABASE
    sqlalchemy_exc = _module("sqlalchemy.exc")
    # A connection SQLAlchemy found dropped; a driver error that SQLAlchemy wrapped is
    # its cause, which unavailable_engine looks at next.
    dropped = sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.DBAPIError)
    return DATABASE if dropped and exc.connection_invalidated else None


@cache
def _driver_errors() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(Redis's, the database's) exception types that mean the server cannot be reached."""
    redis_errors: list[type] = []
    database_errors: list[type] = []
    if (redis_exc := _module("redis.exceptions")) is not None:
        # ConnectionError also covers BlockingConnectionPool's "No connection available".
        redis_errors += [redis_exc.ConnectionError, redis_exc.TimeoutError]
    if (psycopg := _module("psycopg")) is not None:
        database_errors.append(psycopg.OperationalError)
    if (psycopg_pool := _module("psycopg_pool")) is not None:
        database_errors.append(psycopg_pool.PoolTimeout)
    if (sqlalchemy_exc := _module("sqlalchemy.exc")) is not None:
        database_errors.append(sqlalchemy_exc.TimeoutError)  # its own pool's timeout
    return tuple(redis_errors), tuple(database_errors)


def _module(name: str):
    """The module, if installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
