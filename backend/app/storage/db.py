"""The SQLAlchemy engine and session factory for users, tokens and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from backend.app.config import ConfigError, Settings
from backend.app.observability.redaction import redact, url_without_password
from backend.app.storage.postgres import CONNECT_TIMEOUT_SECONDS, is_postgres_url, sqlalchemy_url
from backend.app.storage.wal import WalEraser

# SQLite waits at most this long for a lock: a blocking wait stalls every greenlet of the
# worker, so keep it short and let the request fail instead.
SQLITE_BUSY_TIMEOUT_MS = 3000

# Connections per worker process to a server database: greenlets wait for a free one (at
# most POOL_TIMEOUT_SECONDS) rather than opening one each.
POOL_SIZE = 5
POOL_MAX_OVERFLOW = 10
POOL_TIMEOUT_SECONDS = 10


class Database:
    """One engine per process, with short transactions through `transaction()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._wal = (
            WalEraser(path, SQLITE_BUSY_TIMEOUT_MS / 1000) if path and path != ":memory:" else None
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def erase_wal(self) -> None:
        """Empty SQLite's write-ahead log, which still holds old copies of erased values.

        For values that must not outlive their erasure (a stream's ticket). On other
        databases, old row versions and log segments are the server's to recycle (vacuum,
        WAL recycling): a no-op there.
        """
        if self._wal is not None:
            self._wal.request()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def _create_engine(url: str) -> Engine:
    if is_postgres_url(url):
        return _postgres_engine(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # WAL lets the workers of one host read while one writes.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten values (a stream's ticket once its run ends) are zeroed
        # on disk, not left in free space, as many builds of SQLite do by default.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return engine


def _postgres_engine(url: str) -> Engine:
    # The pre-ping finds connections a database restart closed; SQLAlchemy then drops the
    # whole pool and reconnects, so the app recovers without a restart. The connect
    # timeout makes a request fail fast while the database is down.
    return create_engine(
        sqlalchemy_url(url),
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


def open_database(settings: Settings) -> Database:
    """Create the engine and bring the schema up to date."""
    from backend.app.storage.migrate import upgrade_to_head

    try:
        database = Database(settings.database_url)
    except (ArgumentError, ValueError) as exc:
        # The URL may hold a password: the message names it without, and drops the cause.
        raise ConfigError(
            "DATABASE_URL is not a usable database URL:"
            f" {url_without_password(settings.database_url)!r} ({redact(str(exc))})"
        ) from None
    upgrade_to_head(database.engine, settings.DATA_DIR)
    return database
