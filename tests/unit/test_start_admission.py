"""Lesson starts take turns with the work a worker already has ready."""

import time

import gevent

from backend.app.services.learning.start_admission import StartAdmission


def test_a_start_waits_for_the_work_that_was_ready_before_it():
    order = []
    admission = StartAdmission()
    gevent.spawn(order.append, "stream event")
    admission.wait_turn()
    order.append("start")
    assert order == ["stream event", "start"]


def test_starts_take_turns_with_what_each_start_made_ready():
    order = []
    admission = StartAdmission()

    def start(number: int) -> None:
        admission.wait_turn()
        order.append(f"start {number}")
        # What the start leads to (its stream opening): ready before the next start runs.
        gevent.spawn(order.append, f"stream {number}")

    gevent.joinall([gevent.spawn(start, number) for number in range(3)])
    gevent.sleep(0)
    assert order == ["start 0", "stream 0", "start 1", "stream 1", "start 2", "stream 2"]


def test_a_worker_that_never_idles_still_admits_starts():
    def busy() -> None:
        while True:
            gevent.sleep(0)  # always ready: the loop is never idle

    spinner = gevent.spawn(busy)
    admission = StartAdmission(max_wait=0.01)
    try:
        started = time.monotonic()
        for _ in range(5):
            admission.wait_turn()
        assert time.monotonic() - started < 5  # bounded waits, not a wait for idleness
    finally:
        spinner.kill()
