"""The SQLite stream store under gevent: its WAL is copied back by a thread, not in a commit.

A checkpoint inside a commit blocks the whole gevent worker for milliseconds (the store is
rewritten every preview interval while lessons stream). Checked in a gevent-patched child
process, as a worker runs: commits leave checkpoints to SQLite only past a high bound, yet
the WAL starts afresh again and again (the background checkpoints copied it all back),
and every write stays readable.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from backend.app.streaming.sqlite.connection import WAL_PAGES_BEFORE_INLINE_CHECKPOINT

REPO_ROOT = Path(__file__).resolve().parents[2]

WORKER = """
from gevent import monkey; monkey.patch_all()
import json, sqlite3, sys, time
import gevent
from pathlib import Path
from backend.app.streaming.sqlite import SqliteStreamStore

path = Path(sys.argv[1])
wal = path.with_name(path.name + "-wal")
store = SqliteStreamStore(path, max_events=100, retention_seconds=600)
text = "변수는 이름표가 붙은 서랍과 같아요. " * 10
salts, batches = set(), 0
started = time.monotonic()
while time.monotonic() - started < 3.2:  # previews of 100 lessons, about 1,000 pages a second
    batch = {f"run-{r}": {"block_id": batches, "text": text} for r in range(100)}
    store.set_current_blocks(batch, ttl=600)
    batches += 1
    with wal.open("rb") as header:  # its salt changes each time the WAL starts afresh
        salts.add(header.read(24)[16:24])
    gevent.sleep(0.05)
autocheckpoint = store._db._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
latest = json.loads(sqlite3.connect(path).execute(
    "SELECT data FROM current_blocks WHERE run_id = 'run-99'").fetchone()[0])
print(json.dumps({"autocheckpoint": autocheckpoint, "wal_restarts": len(salts) - 1,
                  "wal_pages": wal.stat().st_size // 4096, "batches": batches,
                  "latest_block": latest["block_id"]}))
"""


def test_commits_leave_the_checkpoints_to_a_thread_that_keeps_the_wal_short(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path / "streams.db")],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    seen = json.loads(finished.stdout)
    # A commit checkpoints only past the bound, which these writes never reach...
    assert seen["autocheckpoint"] == WAL_PAGES_BEFORE_INLINE_CHECKPOINT
    assert seen["wal_pages"] < WAL_PAGES_BEFORE_INLINE_CHECKPOINT / 4, seen
    # ...yet the WAL started afresh again and again: the thread's checkpoints (about one
    # a second) copied all of it back each time.
    assert seen["wal_restarts"] >= 2, seen
    assert seen["latest_block"] == seen["batches"] - 1  # nothing written was lost
