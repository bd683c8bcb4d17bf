"""The names callers imported from here before the store moved to streaming/sqlite/.

New code imports the records from streaming.records and the store from streaming.sqlite.
"""

from backend.app.streaming.records import RunInfo, RunLogFull, run_id_for
from backend.app.streaming.sqlite import SqliteStreamStore

__all__ = ["RunInfo", "RunLogFull", "SqliteStreamStore", "run_id_for"]
