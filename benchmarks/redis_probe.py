"""What a Redis server says about the app on it: commands processed and client connections.

One probe connection reads `INFO` and `CLIENT LIST`; its own commands are left out of every
figure (`INFO stats` counts them too), and so is the probe itself among the clients.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import redis

# The commands only the probe sends: never counted as the app's.
PROBE_COMMANDS = ("info", "client|list", "client|id")
SAMPLE_SECONDS = 0.25


class RedisProbe:
    """One connection to the server under test that counts the app's commands and clients."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, single_connection_client=True)
        self._lock = threading.Lock()  # the sampler thread and the caller share the connection
        self._sent = 0  # probe commands sent so far
        self.client_id = self._call(self._client.client_id)

    def _call(self, command, *args):
        with self._lock:
            self._sent += 1
            return command(*args)

    def snapshot(self) -> dict:
        """total_commands_processed, the probe's own count and calls per command, now."""
        sent_before = self._sent
        total = self._call(self._client.info, "stats")["total_commands_processed"]
        calls = self._call(self._client.info, "commandstats")
        per_command = {
            name.removeprefix("cmdstat_"): stats["calls"] for name, stats in calls.items()
        }
        # INFO stats does not count itself: the probe commands it saw are those sent before it.
        return {"total": total, "probe": sent_before, "per_command": per_command}

    def app_clients(self) -> list[dict]:
        """Client connections open now, other than the probe's (CLIENT LIST fields)."""
        clients = self._call(self._client.client_list)
        return [client for client in clients if int(client["id"]) != self.client_id]

    def close(self) -> None:
        """Close the probe connection."""
        self._client.close()


def commands_between(before: dict, after: dict) -> tuple[int, dict[str, int]]:
    """The app's commands between two snapshots: the total and the busiest commands."""
    total = after["total"] - before["total"] - (after["probe"] - before["probe"])
    per_command = {
        name: calls - before["per_command"].get(name, 0)
        for name, calls in after["per_command"].items()
        if name not in PROBE_COMMANDS
    }
    busiest = sorted(
        ((name, calls) for name, calls in per_command.items() if calls), key=lambda i: -i[1]
    )
    return total, dict(busiest)


class ClientSampler:
    """Client connections (besides the probe) while it runs, sampled every 250 ms.

    `peak` is the most seen at once, with the last command of each at that moment;
    `used` counts those that ran a command while the sampler ran (CLIENT LIST `idle` is
    below its age), which leaves out connections parked in a pool since before, such as
    the rate limiter's from session/start.
    """

    def __init__(self, probe: RedisProbe) -> None:
        self.probe = probe
        self.peak, self.peak_commands, self.samples, self.used = 0, {}, 0, 0
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _take(self) -> list[dict]:
        clients = self.probe.app_clients()
        self.samples += 1
        if len(clients) > self.peak:
            self.peak = len(clients)
            self.peak_commands = dict(Counter(client.get("cmd", "?") for client in clients))
        return clients

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._take()

    def __enter__(self) -> ClientSampler:
        self._take()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        age = time.monotonic() - self._started
        self.used = sum(1 for client in self._take() if int(client["idle"]) < age)


def idle_rate(probe: RedisProbe, seconds: float = 3.0) -> float:
    """The app's commands per second while no request is served (sweeps, renewals)."""
    before = probe.snapshot()
    time.sleep(seconds)
    total, _ = commands_between(before, probe.snapshot())
    return total / seconds


class StreamSpy:
    """When each run's events reach Redis, seen by a reader of its own (XREAD on every run).

    It splits a cross-host latency in two: producer to store, and store to the subscriber.
    Its reads land on the server under test like one more subscriber's, on its own
    connection, from a thread of the benchmarking process.
    """

    def __init__(self, url: str, keys: list[str]) -> None:
        self._client = redis.Redis.from_url(url, single_connection_client=True)
        self._cursors = {key: "0-0" for key in keys}
        self.arrivals: dict[tuple[str, int], float] = {}  # (key, seq) -> time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        while not self._stop.is_set() and self._cursors:
            answer = self._client.xread(self._cursors, block=100) or []
            now = time.monotonic()
            for key, entries in answer:
                name = key.decode()
                for entry_id, _ in entries:
                    self.arrivals[(name, int(entry_id.split(b"-")[0]))] = now
                self._cursors[name] = entries[-1][0].decode()

    def __enter__(self) -> StreamSpy:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._client.close()
