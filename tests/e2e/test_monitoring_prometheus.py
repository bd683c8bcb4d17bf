"""The operators' monitoring files against a real Prometheus scraping a live server.

A live gunicorn (two workers, the scripted OpenAI fake) serves a short run: lessons that
stream, fall back before the first block, continue after a cut, and fail (then the
client's own fallback), an answer and some feedback. Debian's Prometheus scrapes its
/metrics every second with the bearer token and evaluates deploy/monitoring/alerts.yml.
Every PromQL expression of the Grafana dashboard, and every alert expression with its
comparisons removed, must then return data, and name only metrics the app exports.

Grafana's variables are replaced before querying: `$__rate_interval` and `$__range` by
5m (longer than the whole run, so each window holds the samples from before the traffic).
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.scripts import Script
from tests.support.lessons import LESSON
from tests.support.live_server import REPO_ROOT, live_server_on_fake, new_user
from tests.support.live_turns import (
    ANSWER,
    LESSON_JSON,
    START,
    ask,
    qna_stream_url,
    start_lesson,
    theory_stream_url,
)
from tests.support.problem_app import GENERATE
from tests.support.problem_scripts import generation_scripts, read_ndjson
from tests.support.prometheus_server import PROMTOOL, require_prometheus, start_prometheus
from tests.support.sse_client import read_events

pytestmark = pytest.mark.live

MONITORING = REPO_ROOT / "deploy" / "monitoring"
ALERTS = MONITORING / "alerts.yml"
DASHBOARD = MONITORING / "grafana-dashboard.json"
TOKEN = f"metrics-{secrets.token_hex(16)}"
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__range": "5m"}
COMPARISON = re.compile(r"\s*(?:==|!=|>=|<=|>|<)\s*(?:bool\s+)?[-+]?[0-9.]+(?:e[-+]?[0-9]+)?$")
SELECTED = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*[\[{]")


@pytest.fixture
def server(fake_openai, tmp_path):
    """Two gevent workers on the fake model; /metrics needs TOKEN."""
    fake_openai.set_default(Script(content=LESSON_JSON, chunk_size=50))
    data_dir = tmp_path / "app"
    data_dir.mkdir()
    with live_server_on_fake(fake_openai, data_dir, workers=2, METRICS_TOKEN=TOKEN) as live:
        yield live


@pytest.fixture
def prometheus(server, tmp_path):
    """Prometheus scraping the live server every second, with the operators' rules."""
    target = server.base_url.removeprefix("http://")
    prom = start_prometheus(
        tmp_path / "prometheus", target=target, bearer_token=TOKEN, rule_files=[ALERTS]
    )
    try:
        yield prom
    finally:
        prom.stop()


# --- helpers -------------------------------------------------------------------------


def app_metrics(base: str) -> dict[tuple[str, tuple], float]:
    """Every sample of the app's /metrics, keyed by (name, sorted labels)."""
    response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def sample(metrics: dict, name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


def read_lesson(base: str, headers: dict) -> tuple[str, str, dict]:
    """Start a streamed lesson and read its stream; the ticket, session id and terminal event."""
    ticket, session_id = start_lesson(base, headers)
    items = read_events(theory_stream_url(base, ticket))
    assert items.status_code == 200
    return ticket, session_id, items.events[-1].data


def sync_lesson(base: str, headers: dict, **body) -> httpx.Response:
    """POST session/start for the synchronous lesson (the client's fallback path)."""
    payload = {"chapter_number": 2, "section_number": 1, "streaming": False, **body}
    return httpx.post(f"{base}{START}", json=payload, headers=headers, timeout=30)


def give_feedback(base: str, headers: dict, session_id: str, target: str, rating: int) -> None:
    body = {"session_id": session_id, "target": target, "rating": rating}
    response = httpx.post(f"{base}/api/v1/learning/feedback", json=body, headers=headers)
    assert response.status_code == 201, response.text


def dashboard_expressions() -> list[str]:
    """Every target's `expr` in the dashboard, rows' nested panels included."""
    found = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            found.extend(target["expr"] for target in panel.get("targets", []) if "expr" in target)
            walk(panel.get("panels", []))

    walk(json.loads(DASHBOARD.read_text())["panels"])
    return found


def for_prometheus(expr: str) -> str:
    """A dashboard expression with Grafana's variables replaced (see the module docstring)."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    assert "$" not in expr, f"an unsubstituted Grafana variable in {expr!r}"
    return expr


def without_comparisons(expr: str) -> list[str]:
    """The operands of a rule's top-level and/or/unless, each without its comparison."""
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[([{]|[)\]}]|\s(?:and|or|unless)\s", expr):
        token = match.group()
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        elif depth == 0:
            parts.append(expr[start : match.start()])
            start = match.end()
    parts.append(expr[start:])
    return [COMPARISON.sub("", part.strip()) for part in parts]


def assert_exported(expr: str, exported: set[str]) -> None:
    """Every metric `expr` selects is one of the app's sample names."""
    names = set(SELECTED.findall(expr)) | set(re.findall(r"\btutor_[a-z_]+\b", expr))
    unknown = sorted(name for name in names if name not in exported)
    assert not unknown, f"{expr!r} names metrics the app does not export: {unknown}"


# --- tests -----------------------------------------------------------------------------


def promtool(*args: str) -> None:
    """Run promtool; fail with its output unless it succeeds."""
    done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_accepts_the_rules_their_unit_tests_and_the_example_config(tmp_path):
    require_prometheus()
    promtool("check", "rules", str(ALERTS))
    promtool("test", "rules", str(MONITORING / "alerts_test.yml"))
    # The example reads the token from a file of the operator's: point it at one here.
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    example = (MONITORING / "prometheus.yml").read_text()
    assert "/etc/prometheus/tutor_metrics_token" in example
    config = tmp_path / "prometheus.yml"
    config.write_text(example.replace("/etc/prometheus/tutor_metrics_token", str(token_file)))
    (tmp_path / "alerts.yml").write_text(ALERTS.read_text())
    promtool("check", "config", str(config))


def test_the_dashboard_and_the_alerts_have_data_for_a_short_run(server, fake_openai, prometheus):
    base = server.base_url
    # A sample from before the traffic, so each rate() window holds the increase.
    prometheus.wait_for('tutor_lesson_fallbacks_total{reason="client"} == 0')
    headers = new_user(base, "monitor")

    # Two lessons that stream as they should, one rated up.
    _, liked, complete = read_lesson(base, headers)
    assert complete["type"] == "stream_complete" and complete["fallback"] is False
    read_lesson(base, headers)
    give_feedback(base, headers, liked, "lesson", 1)
    # The model fails before the first block: the synchronous lesson (fallback_mode sync).
    fake_openai.script(Script.error(500), Script(content=LESSON_JSON))
    complete = read_lesson(base, headers)[2]
    assert complete["fallback_mode"] == "sync", complete
    # The stream is cut after two blocks: the rest in one call (continuation).
    third_block_at = LESSON_JSON.index(json.dumps(LESSON[2], ensure_ascii=False))
    fake_openai.script(
        Script(content=LESSON_JSON, chunk_size=[third_block_at], drop_after=1), LESSON_JSON
    )
    complete = read_lesson(base, headers)[2]
    assert complete["fallback_mode"] == "continuation", complete
    # Every call fails: the stream ends in GENERATION_FAILED and the client falls back.
    fake_openai.set_default(Script.error(500))
    failed_ticket, failed_session, terminal = read_lesson(base, headers)
    assert terminal == {**terminal, "type": "stream_error", "code": "GENERATION_FAILED"}
    fake_openai.set_default(Script(content=LESSON_JSON, chunk_size=50))
    give_feedback(base, headers, failed_session, "lesson", -1)
    # Only the caller's own lesson run counts: not a stranger's, not a made-up ticket.
    stranger = new_user(base, "stranger")
    assert sync_lesson(base, stranger, fallback_from=failed_ticket).status_code == 200
    assert sync_lesson(base, headers, fallback_from=secrets.token_urlsafe(32)).status_code == 200
    fallback = sync_lesson(base, headers, fallback_from=failed_ticket)
    assert fallback.status_code == 200, fallback.text
    assert fallback.json()["data"]["workflow_response"]["streaming"] is False
    # An answer, rated down.
    answer_ticket, answer_session = ask(base, headers, fake_openai, Script(content=ANSWER))
    answer = read_events(qna_stream_url(base, answer_ticket))
    assert answer.events[-1].data["type"] == "stream_complete"
    give_feedback(base, headers, answer_session, "answer", -1)
    # A generated problem whose reference solution passes its example in the sandbox.
    fake_openai.script(*generation_scripts())
    body = {"prompt": "격자 최단 거리", "difficulty": "easy"}
    generated = httpx.post(f"{base}{GENERATE}", json=body, headers=headers, timeout=60)
    assert read_ndjson(generated.text)[-1]["payload"]["verification"]["status"] == "passed"

    # The run ends (its figures are counted) just after its last event: wait for them.
    prometheus.wait_for('sum(tutor_stream_outcomes_total{kind="theory"}) >= 5')
    prometheus.wait_for('sum(tutor_stream_outcomes_total{kind="qna"}) >= 1')
    prometheus.wait_for('sum(tutor_time_to_first_block_seconds_count{kind="theory"}) >= 4')
    prometheus.wait_for('sum(tutor_time_to_first_block_seconds_count{kind="qna"}) >= 1')
    prometheus.wait_for('sum(tutor_lesson_fallbacks_total{reason="client"}) >= 1')
    prometheus.wait_for("sum(tutor_feedback_total) >= 3")
    prometheus.wait_for('tutor_problem_verifications_total{status="passed"} >= 1')
    prometheus.wait_for('sum(tutor_sandbox_run_seconds_count{outcome="ok"}) >= 1')

    metrics = app_metrics(base)
    assert sample(metrics, "tutor_lessons_started_total") == 5
    fallbacks = {
        reason: sample(metrics, "tutor_lesson_fallbacks_total", reason=reason)
        for reason in ("preparation", "upstream_before_first_block", "continuation", "client")
    }
    assert fallbacks == {
        "preparation": 0,
        "upstream_before_first_block": 1,
        "continuation": 1,
        "client": 1,
    }
    first_blocks = "tutor_time_to_first_block_seconds_count"
    assert sample(metrics, first_blocks, kind="theory") == 4  # the failed lesson had none
    assert sample(metrics, first_blocks, kind="qna") == 1
    exported = {name for name, _ in metrics}

    for expr in dashboard_expressions():
        query = for_prometheus(expr)
        assert_exported(query, exported)
        assert prometheus.query(query), f"no data for the dashboard's {query!r}"

    rules = [
        rule
        for group in prometheus.api("rules")["groups"]
        for rule in group["rules"]
        if rule["type"] == "alerting"
    ]
    assert len(rules) == ALERTS.read_text().count("- alert:")
    for rule in rules:
        assert rule["health"] != "err", rule
        for part in without_comparisons(rule["query"]):
            assert_exported(part, exported)
            assert prometheus.query(part), f"no data for {part!r} of {rule['name']}"

    # The figures themselves, as the dashboard computes them.
    [fallback_rate] = prometheus.query(
        "sum(increase(tutor_lesson_fallbacks_total[5m]))"
        " / sum(increase(tutor_lessons_started_total[5m]))"
    )
    assert 0 < float(fallback_rate["value"][1]) < 1
