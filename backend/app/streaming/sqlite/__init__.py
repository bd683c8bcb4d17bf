"""The SQLite backend of the stream store: one WAL file shared by a host's workers."""

from backend.app.streaming.sqlite.store import SqliteStreamStore

__all__ = ["SqliteStreamStore"]
