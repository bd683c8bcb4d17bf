"""wait_for_idle_loop: deferred work goes after every greenlet that is ready to run."""

import gevent

from backend.app.streaming.idle import wait_for_idle_loop


def test_ready_greenlets_run_before_it_returns():
    ran = []
    for name in ("first", "second"):
        gevent.spawn(ran.append, name)
    wait_for_idle_loop()
    assert ran == ["first", "second"]


def test_a_loop_that_never_idles_still_lets_it_return():
    stop = False

    def busy() -> None:
        while not stop:
            gevent.sleep(0)

    spinner = gevent.spawn(busy)
    waiter = gevent.spawn(wait_for_idle_loop, 0.05)
    try:
        waiter.join(timeout=2)  # the cap, with a generous margin
        assert waiter.successful()
    finally:
        stop = True
        waiter.kill()
        spinner.join(timeout=5)
