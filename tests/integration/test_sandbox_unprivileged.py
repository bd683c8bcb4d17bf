"""The sandbox run by a server that is not root (the usual production setup).

The suite runs as root, where bwrap is started through setpriv. Here a server-like
process runs as an unprivileged user (nobody, via setpriv) with Debian's python3 and this
checkout's code and dependencies on its path: bwrap then starts unprivileged in a user
namespace of its own, the path a non-root gunicorn takes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig

from tests.support.sandboxes import NOBODY, REPOSITORY

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SIDE = """
import json, sys
sys.path[:0] = sys.argv[1:3]
from backend.app.problem_generator.sandbox import Sandbox
box = Sandbox()
reason = box.unavailable_reason()
echo = box.run("import os\\nprint(os.getuid(), input())", "hello\\n")
bomb = box.run(
    "import os\\nn = 0\\ntry:\\n    while True:\\n        if os.fork() == 0:\\n"
    "            import time; time.sleep(30); os._exit(0)\\n        n += 1\\n"
    "except OSError:\\n    print(n)\\n",
    "",
)
print(json.dumps({"uid": __import__("os").getuid(), "reason": reason,
                  "echo": [echo.ok, echo.stdout], "bomb": [bomb.ok, bomb.stdout]}))
"""


def test_an_unprivileged_server_runs_solutions_in_the_sandbox():
    assert os.geteuid() == 0, "the suite runs as root, so it can act as an unprivileged server"
    version = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The checkout's dependencies (compiled for this minor version) are imported by it.
    assert version == str(sys.version_info[:2]), f"{SYSTEM_PYTHON} is {version}"
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed"
    done = subprocess.run(
        [
            setpriv,
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "--",
            SYSTEM_PYTHON,
            "-c",
            SERVER_SIDE,
            str(REPOSITORY),
            sysconfig.get_paths()["purelib"],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["uid"] == NOBODY and report["reason"] is None, report
    assert report["echo"] == [True, f"{NOBODY} hello\n"]
    # The process limit holds for an unprivileged server too (16 processes, the launcher and
    # the solution among them); the run fails, as it left its children running.
    ok, forked = report["bomb"]
    assert not ok and 0 < int(forked) < 16, report
