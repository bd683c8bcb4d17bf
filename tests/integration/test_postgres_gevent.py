"""psycopg 3 cooperates with gevent (DESIGN 4.4): a query's wait does not block the worker.

Under gunicorn's gevent workers every request of a worker shares one OS thread; were a
Postgres query to block it, one slow query would stall every stream of the worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.support.live_server import REPO_ROOT

# Two greenlets each sleep 0.5 s in Postgres: about 0.5 s together when they overlap,
# 1 s or more when each blocks the thread in turn.
TWO_SLEEPS = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    import json
    import sys
    import time

    import gevent
    import psycopg

    url = sys.argv[1]
    connections = [psycopg.connect(url, autocommit=True) for _ in range(2)]
    started = time.monotonic()
    gevent.joinall(
        [gevent.spawn(c.execute, "SELECT pg_sleep(0.5)") for c in connections], raise_error=True
    )
    together = time.monotonic() - started
    started = time.monotonic()
    connections[0].execute("SELECT pg_sleep(0.5)")
    alone = time.monotonic() - started
    print(json.dumps({"together": together, "alone": alone, "psycopg": psycopg.__version__}))
    """
)


def test_two_greenlets_wait_on_postgres_at_the_same_time(postgres_url):
    result = subprocess.run(
        [sys.executable, "-c", TWO_SLEEPS, postgres_url],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    timings = json.loads(result.stdout)
    print(f"gevent + psycopg timings: {timings}")
    assert timings["alone"] >= 0.5
    assert timings["together"] < 0.9, timings
