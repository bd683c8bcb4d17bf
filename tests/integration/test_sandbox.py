"""The sandbox runs solutions with real bubblewrap: what they get, and what they cannot reach.

These tests fail, never skip, when bwrap cannot start here (`make test-tools` installs it).
Processes of a run are found on the host by a unique name the solution gives itself
(PR_SET_NAME, inherited by its children), so runs of other tests on the machine never count.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import uuid

import pytest

from backend.app.problem_generator.sandbox import Sandbox, SandboxLimits
from tests.support.sandboxes import (
    NOBODY,
    REPOSITORY,
    assert_contained,
    processes_named,
    tagged,
)


def test_echo_gets_its_stdin_and_exact_stdout(sandbox):
    source = "import sys\nnumbers = sys.stdin.read().split()\nprint(sum(map(int, numbers)))\n"

    result = sandbox.run(source, "1 2\n3\n")

    assert (result.stdout, result.exit_code, result.ok) == ("6\n", 0, True)
    assert result.failure() is None and not result.timed_out and not result.output_limited


def test_text_is_utf8_both_ways(sandbox):
    result = sandbox.run("print(input() + ' 검증')", "예제\n")

    assert result.stdout == "예제 검증\n"


def test_an_exception_is_the_failure_reason(sandbox):
    result = sandbox.run("raise ValueError('no answer')", "")

    assert result.exit_code == 1
    assert result.failure() == "exit code 1: ValueError: no answer"
    assert "Traceback" in result.stderr_tail


def test_the_solution_is_nobody_inside_and_outside(sandbox):
    tag, source = tagged("import os, time\nprint(os.getuid(), os.getgid())\ntime.sleep(1.5)\n")
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() and not seen:
            seen.extend(processes_named(tag))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = sandbox.run(source, "")
    finally:
        done.set()
        watcher.join()

    assert result.stdout == f"{NOBODY} {NOBODY}\n"
    assert seen, "the run's process never showed on the host"
    assert all(uid != 0 for _, uid in seen), seen
    if os.geteuid() == 0:
        assert {uid for _, uid in seen} == {NOBODY}


def test_no_network_not_even_the_hosts_loopback(sandbox):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0" + uuid.uuid4().hex)  # abstract sockets belong to a network namespace
    abstract.listen()
    abstract.setblocking(False)
    tag, source = tagged(
        "import socket\n"
        f"for target in (('1.1.1.1', 80), ('127.0.0.1', {port})):\n"
        "    try:\n"
        "        socket.create_connection(target, timeout=1)\n"
        "        print('reached', target)\n"
        "    except OSError as error:\n"
        "        print('refused', target, error)\n"
        "unix = socket.socket(socket.AF_UNIX)\n"
        f"unix.connect({abstract.getsockname()!r})\n"
    )
    try:
        result = sandbox.run(source, "")
        assert "reached" not in result.stdout, result.stdout
        with pytest.raises(BlockingIOError):
            listener.accept()
        with pytest.raises(BlockingIOError):
            abstract.accept()
    finally:
        listener.close()
        abstract.close()
    assert assert_contained(sandbox, result, tag).startswith("exit code 1: ConnectionRefusedError")


def test_the_servers_environment_never_reaches_the_solution(sandbox, monkeypatch):
    secret = "fake-secret-" + uuid.uuid4().hex
    monkeypatch.setenv("TUTOR_SANDBOX_SECRET", secret)
    tag, source = tagged(
        "import os\nprint(dict(os.environ))\nprint(os.environ['TUTOR_SANDBOX_SECRET'])\n"
    )

    result = sandbox.run(source, "")

    assert secret not in result.stdout + result.stderr_tail
    reason = assert_contained(sandbox, result, tag)
    assert reason == "exit code 1: KeyError: 'TUTOR_SANDBOX_SECRET'"


def test_host_files_cannot_be_read(sandbox, tmp_path):
    secret = "fake-secret-" + uuid.uuid4().hex
    plain = tmp_path / "notes.txt"
    plain.write_text(secret)
    database = tmp_path / "var" / "app.db"  # like the app's DATA_DIR database
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        connection.execute("create table secrets (value text)")
        connection.execute("insert into secrets values (?)", (secret,))
    connection.close()
    for source in (
        f"print(open({str(plain)!r}).read())",
        "import sqlite3\n"
        f"db = sqlite3.connect('file:{database}?mode=ro', uri=True)\n"
        "print(db.execute('select value from secrets').fetchall())\n",
        f"print(open({str(REPOSITORY / 'pyproject.toml')!r}).read())",
        "print(open('/etc/passwd').read())",
    ):
        tag, tagged_source = tagged(source)
        result = sandbox.run(tagged_source, "")
        assert secret not in result.stdout + result.stderr_tail
        assert_contained(sandbox, result, tag)


def test_nothing_outside_its_tmpfs_is_writable(sandbox, tmp_path):
    name = "escape-" + uuid.uuid4().hex
    targets = [str(tmp_path / name), f"/tmp/{name}", f"/{name}", f"/sandbox/{name}"]
    targets += [f"/usr/lib/{name}", f"/dev/{name}", f"/dev/shm/{name}"]
    tag, source = tagged(
        "import os\n"
        f"open('/tmp/{name}', 'w').write('inside')\n"  # its own /tmp: allowed, and private
        "failed = []\n"
        f"for path in {targets[2:]!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "    except OSError as error:\n"
        "        failed.append(error.errno)\n"
        "print(failed)\n"
        f"open({targets[0]!r}, 'w').write('x')\n"
    )

    result = sandbox.run(source, "")

    assert result.stdout == "[30, 30, 30, 30, 30]\n"  # EROFS for each
    assert all(not os.path.exists(target) for target in targets)
    assert assert_contained(sandbox, result, tag).startswith("exit code 1: FileNotFoundError")


def test_a_run_leaves_no_descriptor_open(sandbox):
    before = sorted(os.listdir("/proc/self/fd"))

    for source in ("print(1)", "import time; time.sleep(30)"):
        Sandbox(SandboxLimits(wall_seconds=1)).run(source, "")
        sandbox.run(source if source == "print(1)" else "raise SystemExit(3)", "")

    assert sorted(os.listdir("/proc/self/fd")) == before


def test_the_solution_sees_only_its_standard_streams(sandbox, tmp_path):
    # Descriptors the server made inheritable (at a low and a high number) must not pass
    # through bwrap, and neither may bwrap's own (the source's and the status file's).
    low = open(tmp_path / "low.txt", "w")  # noqa: SIM115 (closed below)
    high = os.dup2(low.fileno(), 77)
    os.set_inheritable(low.fileno(), True)
    os.set_inheritable(high, True)
    source = (
        "import os\n"
        "found = []\n"
        "for fd in range(256):\n"
        "    try:\n"
        "        os.fstat(fd)\n"
        "    except OSError:\n"
        "        continue\n"
        "    found.append(fd)\n"
        "print(found)\n"
    )
    try:
        result = sandbox.run(source, "")
    finally:
        os.close(high)
        low.close()
    assert (result.ok, result.stdout) == (True, "[0, 1, 2]\n"), result
