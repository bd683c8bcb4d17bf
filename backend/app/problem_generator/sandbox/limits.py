"""What one sandboxed run may use: CPU, memory, processes, output, files, time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxLimits:
    """Per-run limits; the rlimits are set inside the sandbox before the solution starts."""

    cpu_seconds: int = 2  # RLIMIT_CPU (SIGXCPU, then SIGKILL a second later)
    wall_seconds: float = 5.0  # killed from outside after this long
    memory_bytes: int = 512 * 2**20  # RLIMIT_AS
    processes: int = 16  # RLIMIT_NPROC, counted per sandbox (its own user namespace)
    output_bytes: int = 1 * 2**20  # RLIMIT_FSIZE, also the cap on stdout and stderr
    open_files: int = 64  # RLIMIT_NOFILE
    tmpfs_bytes: int = 16 * 2**20  # size of the private /tmp
    # Niceness of the solution: on a small host the worker that serves streams beside it
    # keeps the CPU it needs (a spinning solution otherwise adds tens of ms to their tokens).
    nice: int = 19


def describe_bytes(count: int) -> str:
    """A byte count as people write it: `1 MiB`, `64 KiB`, `1000 bytes`."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"
