"""Apply Alembic migrations at start-up, once even when several workers start together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from backend.app.storage.file_lock import host_lock
from backend.app.storage.postgres import MIGRATIONS_LOCK_KEY, advisory_lock

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the project's migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The config file syntax reads % as interpolation: a percent-encoded password has some.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine, data_dir: Path) -> None:
    """Upgrade the schema to the newest revision, one process at a time."""
    with _migration_lock(engine, data_dir):
        command.upgrade(alembic_config(engine), "head")


@contextmanager
def _migration_lock(engine: Engine, data_dir: Path) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        # Workers and hosts share the database, not a disk: the lock lives in Postgres.
        with advisory_lock(engine.url.render_as_string(hide_password=False), MIGRATIONS_LOCK_KEY):
            yield
        return
    with host_lock(data_dir / ".migrate.lock"):  # the workers of one host take turns
        yield
