"""The bubblewrap command line for one run: namespaces, mounts, identity, the launcher."""

from __future__ import annotations

from .interpreter import Interpreter
from .launcher import SOLUTION_PATH, launcher_source
from .limits import SandboxLimits

SANDBOX_UID = 65534  # "nobody": never root, inside the sandbox or out


def bwrap_argv(
    bwrap: str,
    interpreter: Interpreter,
    limits: SandboxLimits,
    solution_fd: int,
    status_fd: int,
    disable_userns: bool,
) -> list[str]:
    """argv that runs the solution in memfd `solution_fd` under the launcher."""
    argv = [
        bwrap,
        # Every namespace, the user one required (not "try"): no network (only a private
        # loopback), no host PIDs, IPC, hostname or cgroups.
        "--unshare-all",
        "--unshare-user",
        *(["--disable-userns"] if disable_userns else []),
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--hostname",
        "sandbox",
        "--die-with-parent",
        "--new-session",  # no TIOCSTI into a terminal the server might have
        "--cap-drop",
        "ALL",
        "--clearenv",  # the server's environment (its secrets) never reaches the solution
        "--as-pid-1",  # the launcher is PID 1: when it exits, the kernel kills the rest
        "--json-status-fd",  # the sandbox's PID 1 when it starts, bwrap's exit code at the end
        str(status_fd),
    ]
    for path in interpreter.binds:
        argv += ["--ro-bind", path, path]
    for target, link in interpreter.symlinks:
        argv += ["--symlink", target, link]
    for path in interpreter.hidden:
        argv += ["--tmpfs", path, "--remount-ro", path]
    argv += [
        "--dev",
        "/dev",
        "--size",
        str(int(limits.tmpfs_bytes)),
        "--tmpfs",
        "/tmp",
        "--ro-bind-data",
        str(solution_fd),
        SOLUTION_PATH,
        "--chdir",
        "/tmp",
        # Last: the root (bwrap's own tmpfs holding the mount points) and /dev (another
        # tmpfs, with no size limit) become read-only, so only the private, size-limited
        # /tmp is writable. Device nodes such as /dev/null still take writes.
        "--remount-ro",
        "/dev",
        "--remount-ro",
        "/",
        "--",
        interpreter.executable,
        "-I",  # isolated: no environment variables, no user site, no script directory
        "-S",  # no site module: nothing but the standard library on sys.path
        "-B",
        "-X",
        "utf8",
        "-c",
        launcher_source(limits),
    ]
    return argv
