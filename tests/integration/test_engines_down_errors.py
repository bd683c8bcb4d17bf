"""Which failures mean "an engine is down" (storage/unavailable.py), on real exceptions.

Each exception comes from the real driver failing against a closed port or an exhausted
pool, not from a constructor call, so a driver that changes what it raises shows here.
"""

from __future__ import annotations

import psycopg
import pytest
import redis
import sqlalchemy
from psycopg_pool import ConnectionPool

from backend.app.errors import APIError
from backend.app.storage.unavailable import (
    DATABASE,
    STREAM_STORE,
    failure_summary,
    unavailable_engine,
    until_engine_fails,
)
from tests.support.live_server import free_port


def raised(call) -> BaseException:
    """The exception `call()` raises."""
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


@pytest.fixture
def closed_port() -> int:
    return free_port()


def refusing_redis(port: int) -> redis.Redis:
    """A client as the app builds it (on its own pool: no retries) of a closed port."""
    return redis.Redis(connection_pool=redis.ConnectionPool(port=port, socket_connect_timeout=2))


def test_redis_refusing_connections_is_the_stream_store_down(closed_port):
    assert unavailable_engine(raised(refusing_redis(closed_port).ping)) == STREAM_STORE


def test_an_exhausted_blocking_pool_is_the_stream_store_down(redis_url):
    pool = redis.BlockingConnectionPool.from_url(redis_url, max_connections=1, timeout=0.1)
    held = pool.get_connection()
    try:
        assert unavailable_engine(raised(redis.Redis(connection_pool=pool).ping)) == STREAM_STORE
    finally:
        pool.release(held)
        pool.disconnect()


def test_postgres_refusing_connections_is_the_database_down(closed_port):
    url = f"postgresql://postgres@127.0.0.1:{closed_port}/postgres"
    assert unavailable_engine(raised(lambda: psycopg.connect(url, connect_timeout=2))) == DATABASE
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    wrapped = raised(engine.connect)
    assert isinstance(wrapped, sqlalchemy.exc.OperationalError)
    assert unavailable_engine(wrapped) == DATABASE
    assert "SELECT" not in failure_summary(wrapped)


def test_a_pool_timing_out_is_the_database_down(closed_port):
    url = f"postgresql://postgres@127.0.0.1:{closed_port}/postgres"
    pool = ConnectionPool(url, min_size=0, max_size=1, timeout=0.5, open=True)
    try:
        assert unavailable_engine(raised(pool.getconn)) == DATABASE
    finally:
        pool.close()


def test_sqlalchemys_message_is_not_logged_with_its_statement(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        error = raised(lambda: connection.execute(sqlalchemy.text("SELECT secret FROM nowhere")))
    assert "secret" in str(error) and "secret" not in failure_summary(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad"),
        APIError(404, "NOT_FOUND"),
        KeyError("x"),
        redis.ResponseError("WRONGTYPE"),
    ],
)
def test_other_failures_are_not_an_engine_down(error):
    assert unavailable_engine(error) is None


def test_a_sql_error_that_is_ours_is_not_an_engine_down(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        error = raised(lambda: connection.execute(sqlalchemy.text("SELECT * FROM nowhere")))
    assert unavailable_engine(error) is None


def test_an_engine_failure_wrapped_by_a_library_still_counts(closed_port):
    def wrapping():
        try:
            refusing_redis(closed_port).ping()
        except redis.ConnectionError as exc:
            raise RuntimeError("the limiter failed") from exc

    assert unavailable_engine(raised(wrapping)) == STREAM_STORE


# --- streams that meet a failing engine --------------------------------------------


def body(*chunks: str, then: BaseException | None = None):
    yield from chunks
    if then is not None:
        raise then


def test_an_engine_failing_mid_stream_ends_it_with_the_last_words(closed_port):
    down = raised(refusing_redis(closed_port).ping)
    guarded = until_engine_fails(body("a", "b", then=down), lambda engine: f"down:{engine}", ended)
    assert list(guarded) == ["a", "b", f"down:{STREAM_STORE}"]


def test_a_failure_after_the_terminal_event_is_only_logged(closed_port):
    down = raised(refusing_redis(closed_port).ping)
    guarded = until_engine_fails(body("a", "end", then=down), lambda engine: "down", ended)
    assert list(guarded) == ["a", "end"]


def test_other_failures_still_raise():
    guarded = until_engine_fails(body("a", then=ValueError("bug")), lambda engine: "down", ended)
    with pytest.raises(ValueError):
        list(guarded)


def test_closing_the_guarded_stream_closes_the_body():
    closed = []

    def producer():
        try:
            yield "a"
            yield "b"
        finally:
            closed.append(True)

    guarded = until_engine_fails(producer(), lambda engine: "down", ended)
    assert next(guarded) == "a"
    guarded.close()
    assert closed == [True]


def ended(chunk: str) -> bool:
    return chunk == "end"
