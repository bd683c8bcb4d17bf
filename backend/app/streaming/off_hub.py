"""Blocking work kept off the gevent hub: a native thread runs it while greenlets go on.

Under gevent every greenlet of a worker shares one OS thread, so a call that blocks in C
(hashing a password, syncing a file) holds all of them. gevent's threadpool runs such a
call in a native thread while the calling greenlet waits cooperatively. Outside gevent
(tests, scripts) the call simply runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def gevent_drives_this_process() -> bool:
    """True when gevent has patched threading (a gunicorn gevent worker, for one)."""
    try:
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return is_module_patched("threading")


def off_hub(func: Callable[..., T], *args) -> T:
    """`func(*args)`, in gevent's threadpool when gevent drives this process."""
    if not gevent_drives_this_process():
        return func(*args)
    from gevent import get_hub

    return get_hub().threadpool.apply(func, args)
