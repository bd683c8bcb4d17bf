"""A store outage costs one log line with its traceback, and one when it is over."""

import logging

from backend.app.streaming.outage_log import OutageLog


def test_one_line_per_outage_and_one_for_the_recovery(caplog):
    outage = OutageLog(logging.getLogger("tests.outage"), "Reading the store")
    with caplog.at_level(logging.WARNING, logger="tests.outage"):
        outage.succeeded()  # nothing to say before any failure
        for _ in range(5):
            try:
                raise ConnectionError("refused")
            except ConnectionError:
                outage.failed()
        outage.succeeded()
        outage.succeeded()

    assert [record.getMessage() for record in caplog.records] == [
        "Reading the store failed; retrying quietly until it works",
        "Reading the store works again after 5 failed tries",
    ]
    assert caplog.records[0].exc_info is not None and caplog.records[1].exc_info is None
