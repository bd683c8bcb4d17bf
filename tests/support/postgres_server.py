"""A real PostgreSQL 15 (Debian's) for the tests: one server per test session.

The server comes from `devservers.postgres` and is stopped, and its directory removed,
when the session ends. Each test that asks gets a fresh empty database of its own, so
tests never see each other's tables and nothing needs dropping.
"""

from __future__ import annotations

import uuid

import pytest

from devservers.postgres import PostgresServer, start_postgres


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """The PostgreSQL server of this test session (tests may restart it, never stop it)."""
    try:
        server = start_postgres()
    except RuntimeError as exc:
        pytest.fail(f"PostgreSQL 15 could not be started: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of the session's server (its `postgres` database, as the superuser)."""
    return postgres_server.url


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> str:
    """The URL of an empty database made for this test alone."""
    if not postgres_server.running():
        postgres_server.up()  # a test that took the server down left it so
    return postgres_server.create_database(f"test_{uuid.uuid4().hex[:12]}")
