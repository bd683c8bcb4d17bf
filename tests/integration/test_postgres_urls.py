"""Postgres URLs are written one way and accepted three ways (DESIGN 4.4)."""

from __future__ import annotations

import pytest

from backend.app.agents.checkpointer import create_checkpointer
from backend.app.config import ConfigError
from backend.app.storage.db import Database
from backend.app.storage.postgres import is_postgres_url, libpq_url, sqlalchemy_url

SPELLINGS = [
    "postgresql://tutor:s%40cret@db.internal:5432/tutor",
    "postgresql+psycopg://tutor:s%40cret@db.internal:5432/tutor",
    "postgres://tutor:s%40cret@db.internal:5432/tutor",
    "PostgreSQL://tutor:s%40cret@db.internal:5432/tutor",
]


@pytest.mark.parametrize("url", SPELLINGS)
def test_every_spelling_gives_libpq_and_sqlalchemy_their_own(url):
    assert is_postgres_url(url)
    assert libpq_url(url) == "postgresql://tutor:s%40cret@db.internal:5432/tutor"
    assert sqlalchemy_url(url) == "postgresql+psycopg://tutor:s%40cret@db.internal:5432/tutor"


@pytest.mark.parametrize(
    "url", ["sqlite:///var/app.db", "mysql://u@h/db", "postgresql+psycopg2://u@h/db", ""]
)
def test_other_urls_are_not_postgres(url):
    assert not is_postgres_url(url)
    with pytest.raises(ValueError):
        libpq_url(url)


@pytest.mark.parametrize("scheme", ["postgresql://", "postgresql+psycopg://", "postgres://"])
def test_the_engine_and_the_checkpointer_take_each_spelling(
    scheme, postgres_database_url, make_settings
):
    url = postgres_database_url.replace("postgresql://", scheme, 1)
    database = Database(url)
    assert database.engine.dialect.driver == "psycopg"
    database.ping()
    saver = create_checkpointer(make_settings(CHECKPOINT_URL=url))
    try:
        assert saver.get_tuple({"configurable": {"thread_id": "none"}}) is None
    finally:
        saver.conn.close()
    database.engine.dispose()


def test_a_psycopg2_url_is_refused_by_the_checkpointer(make_settings):
    with pytest.raises(ConfigError, match="CHECKPOINT_URL") as refused:
        create_checkpointer(make_settings(CHECKPOINT_URL="postgresql+psycopg2://u:secret@h/db"))
    assert "secret" not in str(refused.value)
