"""Debian's nginx as the cluster's load balancer: round robin over the hosts.

Proxy buffering stays at nginx's default (on), so a stream reaches the client as it is
written only because the app says `X-Accel-Buffering: no`: the tests see the headers
work for real. Every response names the upstream that served it in `X-Upstream`; a host
that refuses connections is skipped (`proxy_next_upstream error timeout`).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devservers.ports import free_port, stop_process, wait_until_ready

NGINX = Path("/usr/sbin/nginx")

_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;

    upstream hosts {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;

        location / {{
            proxy_pass http://hosts;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Lessons stream for minutes; heartbeats keep a quiet one alive anyway.
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            proxy_connect_timeout 5s;
            # A dead host refuses the connection: the request goes to the next one.
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_conf(workdir: Path, port: int, upstreams: list[str]) -> str:
    """The configuration text: listen on `port`, round robin over `upstreams` (host:port)."""
    # As root, the workers would switch to `nobody`, who cannot write the temp dirs here.
    user = "user root root;" if os.geteuid() == 0 else ""
    # No upstream keepalive: a POST on a kept-alive connection to a host that just died
    # would fail instead of moving on to the next host.
    servers = "\n".join(
        f"        server {address} max_fails=1 fail_timeout=2s;" for address in upstreams
    )
    return _CONF.format(user=user, workdir=workdir, port=port, servers=servers)


@dataclass
class NginxServer:
    """A running nginx master: its URL, port, process and working directory."""

    port: int
    workdir: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self) -> str:
        """The load balancer's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop nginx (SIGTERM to the master by pid: fast shutdown)."""
        stop_process(self.process)

    def error_log(self) -> str:
        """What nginx wrote to its error log so far."""
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(workdir: Path, upstreams: list[str], *, port: int | None = None) -> NginxServer:
    """Start nginx in front of `upstreams` (host:port each); wait until it answers."""
    if not NGINX.exists():
        raise RuntimeError("nginx is needed (Debian package nginx; `make test-tools`).")
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_conf(workdir, port, upstreams))
    log = (workdir / "nginx.out").open("wb")
    with log:
        process = subprocess.Popen(
            [str(NGINX), "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "error.log")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = NginxServer(port, workdir, process)
    wait_until_ready(lambda: _listening(server.url), process, "nginx", timeout=10)
    return server


def _listening(url: str) -> bool:
    try:
        httpx.get(f"{url}/healthz", timeout=1)
        return True
    except httpx.TransportError:
        return False
