"""A cluster on one machine: Redis, Postgres, N app hosts and nginx in front (DESIGN 4.4, 7).

`start_cluster(workdir)` starts everything on loopback ports and returns a `Cluster`;
`Cluster.stop()` ends it all by process id. Every host shares one Redis (streams, limits,
caps), one Postgres database (users, sessions, checkpoints) and one JWT key, and keeps
its own DATA_DIR, so only what 4.4 puts in Redis and Postgres is shared.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from devservers.hosts import AppHost
from devservers.nginx import NginxServer, start_nginx
from devservers.ports import free_port
from devservers.postgres import PostgresServer, start_postgres
from devservers.redis import RedisServer, start_redis

DATABASE = "tutor"


@dataclass
class Cluster:
    """Running servers of a cluster; `url` is the load balancer's."""

    workdir: Path
    redis: RedisServer
    postgres: PostgresServer
    hosts: list[AppHost]
    nginx: NginxServer | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The base URL clients use: nginx, round robin over the hosts."""
        if self.nginx is None:
            raise RuntimeError("the cluster's load balancer is not running")
        return self.nginx.url

    def host_at(self, upstream: str) -> AppHost:
        """The host nginx named in an `X-Upstream` header (the last one it tried)."""
        address = upstream.split(",")[-1].strip()
        for host in self.hosts:
            if host.address == address:
                return host
        raise LookupError(f"no host listens at {address!r}")

    def other_than(self, host: AppHost) -> AppHost:
        """A running host other than `host`."""
        for other in self.hosts:
            if other is not host and other.is_running():
                return other
        raise LookupError(f"no running host besides {host.name}")

    def stop(self) -> None:
        """Stop nginx, the hosts, Redis and Postgres (each by its process id)."""
        stops = [self.nginx.stop] if self.nginx else []
        stops += [host.stop for host in self.hosts] + [self.redis.stop, self.postgres.stop]
        failures: list[BaseException] = []
        for stop in stops:
            try:
                stop()
            except BaseException as exc:  # even interrupted: stop the rest, then report
                failures.append(exc)
        if failures:
            raise failures[0]


def host_settings(redis: RedisServer, database_url: str, workers: int) -> dict[str, str]:
    """The settings every host of one cluster shares (a production-like setup)."""
    return {
        "APP_ENV": "production",
        # One signing key for all hosts: a token from one host is valid on every other.
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "METRICS_TOKEN": secrets.token_urlsafe(24),
        "REDIS_URL": redis.url,
        "DATABASE_URL": database_url,
        "CHECKPOINT_URL": database_url,
        "WEB_CONCURRENCY": str(workers),
        "LLM_PROVIDER": "offline",
        # A lesson takes a few seconds, so a host can die or a client resume mid-run.
        "OFFLINE_LLM_TOKENS_PER_SECOND": "400",
        # nginx in front: the client's address is the last X-Forwarded-For entry.
        "TRUSTED_PROXY_HOPS": "1",
        "LOG_LEVEL": "INFO",
    }


def prepare_database(url: str, workdir: Path) -> None:
    """Create the app's tables and the checkpointer's once, as a deployment's migrate step."""
    from backend.app.agents.checkpointer import create_checkpointer
    from backend.app.config import Settings
    from backend.app.storage.db import open_database

    settings = Settings(_env_file=None, DATABASE_URL=url, CHECKPOINT_URL=url, DATA_DIR=workdir)
    open_database(settings).engine.dispose()
    create_checkpointer(settings).conn.close()  # the saver's connection pool


def start_cluster(
    workdir: Path,
    *,
    hosts: int = 2,
    workers: int = 2,
    env: dict[str, str] | None = None,
    port: int | None = None,
    prepared: bool = True,
) -> Cluster:
    """Start Redis, Postgres, `hosts` gunicorn hosts and nginx; `env` overrides host settings.

    `port` fixes nginx's port (a free one by default). With `prepared`, the database gets
    its tables before the hosts start (as a deployment migrates before rolling out);
    `prepared=False` lets the hosts' workers create them together on a fresh database.
    On any failure, whatever started is stopped again before the error propagates.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    redis = start_redis(workdir / "redis")
    try:
        # Under the system temp dir: the postgres user cannot enter a 0700 workdir.
        postgres = start_postgres()
    except BaseException:
        redis.stop()
        raise
    cluster = Cluster(workdir, redis, postgres, [])
    try:
        database_url = postgres.create_database(DATABASE)
        if prepared:
            prepare_database(database_url, workdir / "prepare")
        cluster.env = {**host_settings(redis, database_url, workers), **(env or {})}
        for number in range(1, hosts + 1):
            name = f"host{number}"
            cluster.hosts.append(AppHost(name, free_port(), workdir / name, dict(cluster.env)))
        # Together, as hosts of a fleet do: start-up on a fresh database must not race.
        for host in cluster.hosts:
            host.spawn()
        for host in cluster.hosts:
            host.wait_healthy()
        upstreams = [host.address for host in cluster.hosts]
        cluster.nginx = start_nginx(workdir / "nginx", upstreams, port=port)
    except BaseException:
        cluster.stop()
        raise
    return cluster
