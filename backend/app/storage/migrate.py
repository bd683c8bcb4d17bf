"""Apply Alembic migrations at start-up, once even when several workers start together."""

from __future__ import annotations

import fcntl
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the project's migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine, data_dir: Path) -> None:
    """Upgrade the schema to the newest revision under an exclusive file lock."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".migrate.lock").open("w") as lock:
        # Workers of one host wait here for whichever started first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            command.upgrade(alembic_config(engine), "head")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
