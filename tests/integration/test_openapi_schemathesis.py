"""Schemathesis against the app's own /api/v1/openapi.json (issue 14).

Every documented operation, authenticated as a user registered through the API, with a
bounded, derandomized number of cases each (plus one case per id-taking operation on a
real resource of that user); any response that is a 5xx, or whose status, media type,
headers or body the document does not describe, fails the test, as does an operation that
answers without its token or a method it does not document with anything but 405. The summary line (cases
run, per operation the statuses seen) is printed at the end of the test, even by a
plain `pytest` (and is a user property of the test in a JUnit report).

It runs in-process through the WSGI interface: the requests reach the whole app (every
before-request guard, error handler, spectree validation and the streaming routes), and
stream bodies are finite here (a random ticket gets one `stream_error`; a real ticket and
a problem request run the offline model at full speed). Gunicorn is covered by tests/e2e.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from backend.app import create_app
from tests.support.api_fuzzing import CaseTally, Credentials, OwnedResources

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    # An operation that declares a token must refuse requests without one (or a bad one).
    ignored_auth,
    # A method the document does not list is a 405 with an Allow header.
    unsupported_method,
]
# Generated cases per operation and phase: enough to reach every documented status, few
# enough that the run stays short (about 1,650 cases in under half a minute here).
MAX_EXAMPLES = 60
UNLIMITED = "100000/minute"


@pytest.fixture
def api_app(make_settings):
    """The app with its rate limits lifted, so the run reaches the routes instead of 429s."""
    return create_app(
        make_settings(
            RATE_LIMIT_LOGIN=UNLIMITED,
            RATE_LIMIT_LOGIN_PER_ADDRESS=UNLIMITED,
            RATE_LIMIT_LLM=UNLIMITED,
            MAX_CONCURRENT_RUNS_PER_USER=1000,
            # The real tickets are issued before the run; they must outlast it.
            STREAM_TICKET_TTL_SECONDS=3600,
        )
    )


@pytest.fixture
def credentials(api_app) -> Credentials:
    """A user registered and logged in through the API."""
    return Credentials(api_app.test_client())


@pytest.fixture
def api_schema(api_app, credentials):
    """The app's OpenAPI document, loaded through its own endpoint."""
    config = schemathesis.Config.from_dict(
        {
            "seed": 14,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=config)
    owned = OwnedResources(api_app.test_client(), credentials)
    schema.hook(owned.add_examples_hook())
    return schema


@pytest.fixture
def cases_run(request):
    """Tallies the run's cases and prints the summary on the terminal, past output capture."""
    tally = CaseTally()
    yield tally
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print("\n" + tally.report())
    request.node.user_properties.append(("schemathesis", tally.summary()))


@pytest.fixture
def _pytest_9_2_node_id(request):
    """schemathesis 4.32 relabels the test per operation through `Node._nodeid`, which
    pytest 9.2 replaced; give it the attribute back so its lazy loader runs."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@pytest.mark.usefixtures("_pytest_9_2_node_id")
@pytest.mark.timeout(600)  # every operation runs inside this one test
def test_every_operation_answers_as_documented(case, credentials, cases_run):
    headers = {"Authorization": f"Bearer {credentials.bearer_for(case.operation.path)}"}
    try:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
    except BaseException:  # schemathesis reports failures as a BaseExceptionGroup
        cases_run.failed += 1
        raise
    cases_run.statuses[case.operation.label][response.status_code] += 1
