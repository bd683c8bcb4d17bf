"""DESIGN 4.0: JSON 404/405, page fallback, security headers, request ids, hidden errors."""

import pytest
from openapi_spec_validator import validate

from backend.app import create_app
from backend.app.services.container import services
from backend.app.storage.db import Database


@pytest.mark.parametrize(
    "method,path,status,code",
    [
        ("GET", "/api/v1/does-not-exist", 404, "NOT_FOUND"),
        ("POST", "/api/v1/does-not-exist", 404, "NOT_FOUND"),
        ("GET", "/api", 404, "NOT_FOUND"),
        ("GET", "/healthz/extra", 404, "NOT_FOUND"),
        ("GET", "/metricsfoo", 200, None),  # only the exact server paths are reserved
        ("DELETE", "/api/v1/auth/login", 405, "METHOD_NOT_ALLOWED"),
        ("POST", "/healthz", 405, "METHOD_NOT_ALLOWED"),
        ("PUT", "/readyz", 405, "METHOD_NOT_ALLOWED"),
        ("POST", "/metrics", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_server_paths_answer_json_errors(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status
    if code:
        assert response.json["error"]["code"] == code
        assert response.json["success"] is False


@pytest.mark.parametrize("path", ["/", "/lessons/2/1", "/problems/abc", "/login"])
def test_other_gets_serve_the_app_page_with_a_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_built_frontend_is_served_with_history_fallback(make_settings, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=app></div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    app = create_app(make_settings())
    app.config["FRONTEND_DIST"] = dist
    client = app.test_client()
    assert b"id=app" in client.get("/lessons/1").data
    asset = client.get("/assets/app.js")
    assert asset.data == b"console.log(1)" and "max-age" in asset.headers["Cache-Control"]


def test_every_response_has_security_headers_and_a_request_id(client):
    for path in ("/healthz", "/api/v1/meta", "/api/v1/nope", "/"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert len(response.headers["X-Request-ID"]) >= 8


def test_a_safe_incoming_request_id_is_echoed_and_an_unsafe_one_replaced(client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "trace-12345678"}).headers["X-Request-ID"]
        == "trace-12345678"
    )
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert replaced.headers["X-Request-ID"] != "bad id <script>"


def test_unexpected_errors_are_logged_with_the_stack_and_answered_without_it(make_settings, caplog):
    app = create_app(make_settings())

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("internal detail that must not leak")

    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "INTERNAL_ERROR"
    assert "internal detail" not in response.get_data(as_text=True)
    assert "Traceback" in caplog.text and "internal detail" in caplog.text


def test_meta_reports_the_provider(client):
    data = client.get("/api/v1/meta").json["data"]
    assert data == {"llm_provider": "offline", "offline": True, "version": data["version"]}


def test_health_and_readiness(app, client):
    assert client.get("/healthz").json == {"success": True, "data": {"status": "ok"}}
    assert client.get("/readyz").status_code == 200
    services(app).database = Database("sqlite:////nonexistent/dir/tutor.db")
    broken = client.get("/readyz")
    assert broken.status_code == 503
    assert broken.json["error"]["code"] == "UPSTREAM_UNAVAILABLE"


def test_openapi_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/meta", "/healthz"):
        assert path in document["paths"]


def test_docs_page_works_offline(client):
    redirect = client.get("/api/v1/docs")
    assert redirect.status_code == 302
    page = client.get(redirect.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs/openapi.json" in html
    assert "unpkg.com" not in html and "cdn.jsdelivr" not in html


def test_metrics_count_requests(client):
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'tutor_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_metrics_token_protects_metrics(make_settings):
    client = create_app(make_settings(METRICS_TOKEN="m" * 20)).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 20}).status_code == 200
    )


def test_proxy_hops_decide_the_client_address(make_settings):
    app = create_app(make_settings(TRUSTED_PROXY_HOPS=1))

    @app.get("/api/v1/whoami")
    def whoami():
        from flask import request

        return {"ip": request.remote_addr}

    client = app.test_client()
    response = client.get("/api/v1/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.json["ip"] == "203.0.113.9"


def _request_series(client) -> set[tuple[str, str]]:
    """The (method, route) label pairs of the request counter."""
    from prometheus_client.parser import text_string_to_metric_families

    text = client.get("/metrics").get_data(as_text=True)
    return {
        (sample.labels["method"], sample.labels["route"])
        for family in text_string_to_metric_families(text)
        if family.name == "tutor_http_requests"
        for sample in family.samples
    }


def test_odd_methods_and_paths_share_bounded_metric_labels(client):
    odd_methods = [f"M{index:04d}" for index in range(20)] + ["PROPFIND", "AAAAA"]
    for method in odd_methods:
        assert client.open("/healthz", method=method).status_code in (400, 405)
    for index in range(20):
        client.get(f"/api/v1/nope-{index}")
        client.get(f"/page-{index}/deep")
    series = _request_series(client)
    assert {method for method, _ in series} <= {
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
        "OTHER",
    }
    assert ("OTHER", "<unmatched>") in series
    assert not any("nope" in route or "page-" in route for _, route in series)


def test_page_fallback_joins_safely_before_looking_for_the_file(make_settings, tmp_path):
    dist = tmp_path / "site" / "dist"
    dist.mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=app></div>")
    (tmp_path / "secret.txt").write_text("outside the build")
    app = create_app(make_settings())
    app.config["FRONTEND_DIST"] = dist
    client = app.test_client()
    # An existing file outside the build and a missing one look the same: the app page.
    for path in ("/../../secret.txt", "/../../missing.txt", "/..%2F..%2Fsecret.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"id=app" in response.data and b"outside" not in response.data, path


@pytest.mark.parametrize(
    "hops,headers,hsts",
    [
        (1, {"X-Forwarded-Proto": "https"}, True),
        (1, {"X-Forwarded-Proto": "http"}, False),
        (1, {}, False),
        (0, {"X-Forwarded-Proto": "https"}, False),  # an untrusted header proves nothing
    ],
)
def test_hsts_is_sent_behind_tls(make_settings, hops, headers, hsts):
    client = create_app(make_settings(TRUSTED_PROXY_HOPS=hops)).test_client()
    for path in ("/healthz", "/", "/api/v1/nope"):
        sent = client.get(path, headers=headers).headers.get("Strict-Transport-Security")
        if hsts:
            assert sent and "max-age=" in sent and int(sent.split("max-age=")[1][:8]) >= 15552000
        else:
            assert sent is None
