"""The start-up advisory lock never deadlocks with CREATE INDEX CONCURRENTLY.

LangGraph's checkpointer setup creates indexes CONCURRENTLY while its process holds the
lock; CONCURRENTLY waits for every open transaction, and a process blocked inside
`pg_advisory_lock` is one. Postgres cannot see that cycle (it passes through the
client), so a blocking wait hung one cluster start in five. Waiters poll instead.
"""

from __future__ import annotations

import threading
import time

import psycopg

from backend.app.storage.postgres import advisory_lock, libpq_url

KEY = 424_242


def test_a_waiter_does_not_block_the_holders_concurrent_index(postgres_database_url):
    url = postgres_database_url
    with psycopg.connect(libpq_url(url), autocommit=True) as setup:
        setup.execute("CREATE TABLE items (id int)")
    holding = threading.Event()
    waited = []

    def wait_for_the_lock() -> None:
        holding.wait(10)
        started = time.monotonic()
        with advisory_lock(url, KEY):
            waited.append(time.monotonic() - started)

    waiter = threading.Thread(target=wait_for_the_lock)
    waiter.start()
    with advisory_lock(url, KEY):
        holding.set()
        time.sleep(0.5)  # the waiter is now waiting for the lock
        with psycopg.connect(libpq_url(url), autocommit=True) as holder:
            holder.execute("SET statement_timeout = '10s'")  # a deadlock fails, not hangs
            holder.execute("CREATE INDEX CONCURRENTLY items_id ON items (id)")
    waiter.join(15)

    assert not waiter.is_alive() and len(waited) == 1
