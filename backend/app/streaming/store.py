"""The names callers imported from here before the store moved to streaming/sqlite/."""

from backend.app.streaming.sqlite.store import RunInfo, RunLogFull, SqliteStreamStore, run_id_for

__all__ = ["RunInfo", "RunLogFull", "SqliteStreamStore", "run_id_for"]
