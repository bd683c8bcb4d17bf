"""A throwaway Debian PostgreSQL 15 server on a free loopback port.

`start_postgres()` runs `initdb` and `pg_ctl` from /usr/lib/postgresql/15/bin in a fresh
temporary directory and returns a `PostgresServer`; `stop()` shuts it down and removes
the directory. PostgreSQL refuses to run as root, so as root every command runs as the
`postgres` user (`runuser -u postgres --`) in a directory that user owns; the directory
is made under the system temp dir by default because a parent such as pytest's 0700
`tmp_path` would be closed to that user. Loopback connections are trusted (no password)
and durability is off (`fsync=off`): for tests and local clusters, never for data.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from devservers.ports import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60

# Speed over durability, room for several hosts' pools, and a short stop.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class PostgresServer:
    """A running PostgreSQL: its URL, and stop / restart / down / up controls."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.data_dir = directory / "data"
        self.log_path = directory / "server.log"

    @property
    def url(self) -> str:
        """The plain libpq URL of the `postgres` database as the superuser."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        """The URL of one database of this server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def up(self) -> None:
        """Start the server (again) and wait until it accepts connections."""
        _pg_ctl(self, "start", "-w", "-t", str(START_TIMEOUT_SECONDS), "-l", str(self.log_path))

    def down(self) -> None:
        """Stop the server and keep its data, as in an outage; `up()` brings it back."""
        if self.running():
            _pg_ctl(self, "stop", "-m", "fast", "-w")

    def restart(self) -> None:
        """Stop the server (closing every client connection) and start it again."""
        self.down()
        self.up()

    def running(self) -> bool:
        """Whether the server's postmaster is alive."""
        return (
            _run(self, [str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data_dir)]).returncode == 0
        )

    def stop(self) -> None:
        """Stop the server for good and remove its directory (again: nothing to do)."""
        if not self.directory.exists():
            return
        try:
            self.down()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        """Everything the server logged so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def start_postgres(workdir: Path | None = None, *, port: int | None = None) -> PostgresServer:
    """Create a fresh cluster in a new directory under `workdir` (default: system temp) and start it.

    Raises RuntimeError naming what is missing when Debian's PostgreSQL 15 is not installed.
    """
    for binary in ("initdb", "pg_ctl"):
        if not (PG_BIN / binary).is_file():
            raise RuntimeError(
                f"{PG_BIN / binary} is missing: install Debian's postgresql-15 (`make test-tools`)"
            )
    directory = Path(tempfile.mkdtemp(prefix="devservers-pg-", dir=workdir))
    server = PostgresServer(directory, port or free_port())
    try:
        _give_to_server_user(directory)
        _run_checked(server, [
            str(PG_BIN / "initdb"), "-D", str(server.data_dir), "-U", SUPERUSER,
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        ])  # fmt: skip
        _configure(server)
        server.up()
    except BaseException:
        server.stop()
        raise
    return server


def _configure(server: PostgresServer) -> None:
    # Appended to postgresql.conf (same owner), so a restart keeps the same settings.
    settings = {
        **SERVER_SETTINGS,
        "port": str(server.port),
        "unix_socket_directories": f"'{server.directory}'",
    }
    with (server.data_dir / "postgresql.conf").open("a") as conf:
        conf.write("\n# devservers.postgres\n")
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())


def _as_root() -> bool:
    return os.geteuid() == 0


def _give_to_server_user(directory: Path) -> None:
    if _as_root():
        user = pwd.getpwnam(SUPERUSER)
        os.chown(directory, user.pw_uid, user.pw_gid)
    directory.chmod(0o700)


def _run(server: PostgresServer, command: list[str]) -> subprocess.CompletedProcess:
    if _as_root():
        command = ["runuser", "-u", SUPERUSER, "--", *command]
    # cwd: the server user may not be allowed into the caller's working directory.
    return subprocess.run(
        command, cwd=server.directory, capture_output=True, text=True, check=False
    )


def _run_checked(server: PostgresServer, command: list[str]) -> None:
    result = _run(server, command)
    if result.returncode != 0:
        raise RuntimeError(
            f"{Path(command[0]).name} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}{server.log()}"
        )


def _pg_ctl(server: PostgresServer, action: str, *options: str) -> None:
    _run_checked(server, [str(PG_BIN / "pg_ctl"), action, "-D", str(server.data_dir), *options])
