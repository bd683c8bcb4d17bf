"""SQLite against Redis stream store on one worker, level by level, in turns.

Two live one-worker gunicorns run side by side against one fake (benchmarks/fake_process):
one keeps its streams in SQLite, the other on a private redis-server (REDIS_URL). Each
level is measured on both, one right after the other, in an order that alternates from
level to level and run to run, so both see the same machine over the same minutes. On the
Redis side a probe counts the commands the worker sends while the streams run and samples
its client connections (benchmarks/redis_probe).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from benchmarks.block_latency import analyze, merge_runs
from benchmarks.common import SERVER_ENV, login
from benchmarks.fake_process import FakeProcess
from benchmarks.lesson_script import CHUNK_CHARS, CHUNK_DELAY, lesson_document, marker_of
from benchmarks.lesson_streams import run_streams, start_tickets
from benchmarks.processes import cpu_seconds, worker_pid
from benchmarks.redis_probe import ClientSampler, RedisProbe, commands_between, idle_rate
from devservers.redis import start_redis
from tests.support.live_server import start_live_server

BACKENDS = ("sqlite", "redis")
LEVELS = (1, 100, 200)
PROBED_LEVELS = (100, 200)
SINGLE_STREAM_LESSONS = 2  # sequential lessons at concurrency 1, for enough samples
SETTLE_SECONDS = 0.5  # for the end-of-run work after the last event (saving, slots)


class Side:
    """One backend's live server, its worker, and (on Redis) the probe."""

    def __init__(self, name: str, data_dir: Path, env: dict, probe: RedisProbe | None) -> None:
        self.name = name
        self.server = start_live_server(data_dir, workers=1, env=env)
        self.worker = worker_pid(self.server.process.pid)
        self.token = login(self.server.base_url, f"bench_{name}")
        self.probe = probe


def measure(side: Side, fake: FakeProcess, level: int, run: int) -> dict:
    """`level` concurrent lessons on one side: latencies, CPU, and Redis figures if probed."""
    url = side.server.base_url
    documents = [lesson_document(marker_of(i, level, run)) for i in range(level)]
    probe = side.probe if level in PROBED_LEVELS else None
    before_start = probe.snapshot() if probe else None
    tickets = start_tickets(url, side.token, level)
    fake.call("script", documents, CHUNK_CHARS, CHUNK_DELAY)
    pids = {"worker": side.worker, "fake": fake.process.pid, "clients": os.getpid()}
    before = probe.snapshot() if probe else None
    cpu_before, started = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.monotonic()
    if probe:
        with ClientSampler(probe) as sampler:
            results = run_streams(url, tickets)
    else:
        results = run_streams(url, tickets)
    wall = time.monotonic() - started
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    fake.call("wait_idle", 30)
    records, pending = fake.call("take_records")
    out = analyze(results, records)
    out.update(streams=level, wall_s=round(wall, 1), loadavg_1m=round(os.getloadavg()[0], 1))
    # A stream whose first event is not stream_start (id 1) broke the wire contract even
    # when it completed: say how many did.
    out["streams_without_stream_start"] = sum(
        1 for r in results if not r.events or r.events[0][0].get("type") != "stream_start"
    )
    out["cpu_share"] = {name: round(seconds / wall, 2) for name, seconds in cpu.items()}
    if out.pop("unmatched") or pending or len(records) != level:
        out.update(upstream_requests=len(records), scripts_left=pending)
    if probe:
        time.sleep(SETTLE_SECONDS)
        out["_redis"] = {
            "start": commands_between(before_start, before)[0],
            "stream": commands_between(before, probe.snapshot()),
            "events": sum(len(result.events) for result in results),
            "window_s": time.monotonic() - started,
            "peak_clients": sampler.peak,
            "peak_commands": sampler.peak_commands,
            "used_clients": sampler.used,
            "samples": sampler.samples,
        }
    return out


def measure_level(side: Side, fake: FakeProcess, level: int, run: int) -> dict:
    """One level on one side; concurrency 1 is a few lessons one after another."""
    if level == 1:
        return merge_runs(
            [measure(side, fake, 1, run * 10 + i) for i in range(SINGLE_STREAM_LESSONS)]
        )
    return measure(side, fake, level, run)


def compare(workdir: Path, runs: int) -> dict:
    """Every level on both backends, in turns; per-run figures and their medians."""
    fake = FakeProcess()
    redis = start_redis(workdir / "redis-server")
    sides: dict[str, Side] = {}
    try:
        fake.call("default", "[]")  # a request no script was queued for gets no blocks
        env = {**SERVER_ENV, "OPENAI_BASE_URL": fake.base_url}
        probe = RedisProbe(redis.url)
        for name in BACKENDS:
            (workdir / name).mkdir()
            extra = {"REDIS_URL": redis.url} if name == "redis" else {}
            sides[name] = Side(name, workdir / name, {**env, **extra}, probe if extra else None)
        for side in sides.values():  # warm each worker up with one lesson
            warm_up = measure(side, fake, 1, 99)
            if warm_up["errors"]:
                raise RuntimeError(f"{side.name} warm-up failed: {side.server.log()[-3000:]}")
        idle = idle_rate(probe)
        per_run = []
        for run in range(runs):
            levels: dict[str, dict] = {}
            for index, level in enumerate(LEVELS):
                order = BACKENDS if (run + index) % 2 == 0 else BACKENDS[::-1]
                levels[str(level)] = {
                    name: measure_level(sides[name], fake, level, run * 2 + slot)
                    for slot, name in enumerate(order)
                }
                levels[str(level)]["order"] = list(order)
            per_run.append(levels)
        for side in sides.values():
            if worker_pid(side.server.process.pid) != side.worker:
                raise RuntimeError(f"the {side.name} worker was replaced during the run")
        probe.close()
    finally:
        for side in sides.values():
            side.server.stop()
        redis.stop()
        fake.stop()
    return summarize(per_run, idle)


def summarize(per_run: list[dict], idle_per_s: float) -> dict:
    """Medians over runs of p50/p99 per level and backend, and the Redis round trips."""
    levels = {}
    for level in map(str, LEVELS):
        row = {}
        for name in BACKENDS:
            found = [run[level][name] for run in per_run]
            row[name] = {
                "p50_ms": _median(f["block_latency_ms"]["p50"] for f in found),
                "p99_ms": _median(f["block_latency_ms"]["p99"] for f in found),
                "max_ms": max(f["block_latency_ms"]["max"] or 0 for f in found),
                "errors": sum(f["errors"] for f in found),
                "streams_without_stream_start": sum(
                    f.get("streams_without_stream_start", 0) for f in found
                ),
                "worker_cpu_share": _median(f["cpu_share"]["worker"] for f in found),
            }
        row["p50_redis_minus_sqlite_ms"] = round(
            row["redis"]["p50_ms"] - row["sqlite"]["p50_ms"], 2
        )
        levels[level] = row
    redis_figures = {
        level: round_trips(per_run, level, idle_per_s) for level in map(str, PROBED_LEVELS)
    }
    details = [
        {
            level: {"order": run[level]["order"]}
            | {name: _public(run[level][name]) for name in BACKENDS}
            for level in map(str, LEVELS)
        }
        for run in per_run
    ]
    return {"levels": levels, "redis": redis_figures, "runs": details}


def round_trips(per_run: list[dict], level: str, idle_per_s: float) -> dict:
    """Redis commands per delivered event (net of idle background) and peak connections."""
    found = [run[level]["redis"]["_redis"] for run in per_run]
    events = sum(f["events"] for f in found)
    streaming = sum(f["stream"][0] for f in found)
    background = idle_per_s * sum(f["window_s"] for f in found)
    busiest: dict[str, int] = {}
    for f in found:
        for name, calls in f["stream"][1].items():
            busiest[name] = busiest.get(name, 0) + calls
    streams = int(level) * len(found)
    return {
        "events_delivered": events,
        "commands_while_streaming": streaming,
        "commands_per_event": round((streaming - background) / events, 2),
        "commands_per_event_raw": round(streaming / events, 2),
        "idle_background_commands_per_s": round(idle_per_s, 1),
        # Commands, not round trips: a MULTI/EXEC or a pipeline sends several in one.
        "busiest_commands": dict(sorted(busiest.items(), key=lambda i: -i[1])[:12]),
        "session_start_commands_per_stream": round(sum(f["start"] for f in found) / streams, 1),
        # Every connection of the worker: the stream store's bounded pool and the limiter's.
        "worker_connections_peak": max(f["peak_clients"] for f in found),
        "last_command_of_each_at_peak": found[-1]["peak_commands"],
        # Connections that ran a command while the streams ran (the limiter's pool sat idle).
        "worker_connections_used_while_streaming": max(f["used_clients"] for f in found),
        "client_list_samples": sum(f["samples"] for f in found),
    }


def _median(values) -> float:
    """The median over runs, rounded like the figures (a missing figure counts as 0)."""
    return round(statistics.median(value or 0 for value in values), 2)


def _public(figures: dict) -> dict:
    """A level's figures without the raw samples and probe internals."""
    return {key: value for key, value in figures.items() if not key.startswith("_")}
