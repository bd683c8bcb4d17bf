"""Failed-login limits per (username, address) and per address; the per-user LLM limit and
concurrent-run cap."""

import threading
import time
import uuid

import pytest
from flask_jwt_extended import current_user, jwt_required

from backend.app import create_app
from backend.app.api.envelope import ok
from backend.app.limits import llm_rate_limit
from backend.app.services.container import services
from tests.conftest import AuthHelper

OWNER_IP = "192.0.2.10"
PASSWORD = "the owner's password"


def login(client, username, ip="198.51.100.1", password="wrong password"):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def assert_rate_limited(response):
    assert response.status_code == 429
    assert response.json["error"]["code"] == "RATE_LIMITED"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.fixture
def login_client(make_settings):
    """A client on an app with small login limits: 3 failures per pair, 5 per address."""
    settings = make_settings(RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_LOGIN_PER_ADDRESS="5/minute")
    return create_app(settings).test_client()


def register(client, username):
    body = {"username": username, "password": PASSWORD}
    response = client.post(
        "/api/v1/auth/register", json=body, environ_base={"REMOTE_ADDR": OWNER_IP}
    )
    assert response.status_code == 201, response.json


def test_failures_from_rotating_addresses_do_not_lock_the_owner_out(login_client):
    register(login_client, "victim")
    for number in range(12):
        assert login(login_client, "victim", ip=f"198.51.100.{number}").status_code == 401
    assert login(login_client, "victim", ip=OWNER_IP, password=PASSWORD).status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_what_counts(make_settings):
    settings = make_settings(
        TRUSTED_PROXY_HOPS=1, RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_LOGIN_PER_ADDRESS="5/minute"
    )
    client = create_app(settings).test_client()
    register(client, "victim")

    def via_proxy(address, password="wrong password"):
        return client.post(
            "/api/v1/auth/login",
            json={"username": "victim", "password": password},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy, the same for everyone
        )

    for number in range(12):
        assert via_proxy(f"198.51.100.{number}").status_code == 401
    assert via_proxy(OWNER_IP, password=PASSWORD).status_code == 200
    for _ in range(3):
        assert via_proxy("203.0.113.9").status_code == 401
    assert_rate_limited(via_proxy("203.0.113.9"))


def test_one_address_failing_on_many_usernames_is_limited(login_client):
    for number in range(5):
        assert login(login_client, f"name_{number}").status_code == 401
    assert_rate_limited(login(login_client, "name_fresh"))
    assert login(login_client, "name_other_ip", ip="203.0.113.7").status_code == 401


def test_one_username_and_address_pair_failing_too_often_is_limited(login_client):
    for _ in range(3):
        assert login(login_client, "victim").status_code == 401
    assert_rate_limited(login(login_client, "victim"))
    # The same address still has budget for another name, and the name from another address.
    assert login(login_client, "someone_else").status_code == 401
    assert login(login_client, "victim", ip="203.0.113.8").status_code == 401


def test_successful_logins_spend_no_budget(login_client):
    register(login_client, "owner")
    for _ in range(8):
        assert login(login_client, "owner", ip=OWNER_IP, password=PASSWORD).status_code == 200
    assert login(login_client, "owner", ip=OWNER_IP).status_code == 401


@pytest.fixture
def llm_app(make_settings):
    """The app plus a stand-in token-spending route wired like the real ones will be."""
    app = create_app(make_settings(RATE_LIMIT_LLM="4/minute", MAX_CONCURRENT_RUNS_PER_USER=2))

    @app.post("/api/v1/test-generate")
    @jwt_required()
    @llm_rate_limit
    def generate():
        with services().run_slots.hold(current_user.id, uuid.uuid4().hex, "test"):
            return ok({"ran": True})

    return app


def test_llm_limit_is_per_user(llm_app):
    client = llm_app.test_client()
    helper = AuthHelper(client)
    alice, bob = helper.new_user_headers(), helper.new_user_headers()
    for _ in range(4):
        assert client.post("/api/v1/test-generate", headers=alice).status_code == 200
    assert_rate_limited(client.post("/api/v1/test-generate", headers=alice))
    assert client.post("/api/v1/test-generate", headers=bob).status_code == 200


def test_concurrent_run_cap_is_per_user_and_released(llm_app):
    client = llm_app.test_client()
    helper = AuthHelper(client)
    user = helper.register()
    other = helper.register()
    with llm_app.app_context():
        slots = services().run_slots
        assert slots.try_acquire(user["id"], "run-1", "theory")
        assert slots.try_acquire(user["id"], "run-2", "theory")
        assert not slots.try_acquire(user["id"], "run-3", "theory")
        assert slots.try_acquire(other["id"], "run-4", "theory")
        headers = {"Authorization": f"Bearer {helper.login(user['username'])['access_token']}"}
        assert_rate_limited(client.post("/api/v1/test-generate", headers=headers))
        slots.release("run-1")
        assert client.post("/api/v1/test-generate", headers=headers).status_code == 200
        assert slots.running(user["id"]) == 1


def test_a_lapsed_lease_frees_its_slot(llm_app):
    helper = AuthHelper(llm_app.test_client())
    user = helper.register()
    with llm_app.app_context():
        slots = services().run_slots
        assert slots.try_acquire(user["id"], "dead-worker-run", "theory", lease_seconds=-1)
        assert slots.try_acquire(user["id"], "a", "theory")
        assert slots.try_acquire(user["id"], "b", "theory")
        assert slots.running(user["id"]) == 2


def test_renewing_extends_only_the_named_runs_leases(llm_app):
    helper = AuthHelper(llm_app.test_client())
    user = helper.register()
    with llm_app.app_context():
        slots = services().run_slots
        other = helper.register()
        for owner, run_id in ((user, "a"), (user, "b"), (other, "c")):
            assert slots.try_acquire(owner["id"], run_id, "theory", lease_seconds=0.5)
        slots.renew(["a", "c"], lease_seconds=60)
        slots.renew([])  # nothing to renew: no statement
        time.sleep(0.6)
        assert slots.running(user["id"]) == 1  # b lapsed; a was renewed
        assert slots.running(other["id"]) == 1


def test_racing_acquisitions_never_exceed_the_cap(llm_app):
    helper = AuthHelper(llm_app.test_client())
    user = helper.register()
    results: list[bool] = []

    def attempt(number: int) -> None:
        with llm_app.app_context():
            results.append(services().run_slots.try_acquire(user["id"], f"race-{number}", "theory"))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 2
