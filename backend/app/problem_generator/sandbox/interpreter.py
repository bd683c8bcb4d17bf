"""Which Python runs solutions, and exactly which host files the sandbox must show it.

An interpreter is described once, on the host: its standard library directories (as it
reports them when started with `-I -S`) and every shared library that it and its
lib-dynload extension modules link (`ldd`), plus the dynamic loader. The sandbox binds
these read-only, file by file for the libraries, and recreates the symlinks (merged-usr
`/lib`, `/lib64`, `libz.so.1 -> libz.so.1.2.13`) through which the loader finds them.
Nothing else of the host is visible: no site-packages, no /etc, no /proc.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
from dataclasses import dataclass

from .spawn import capture

# Debian's interpreter first: the server's own may live where the sandbox user cannot read
# (a virtualenv under /root, mode 0700).
DEFAULT_CANDIDATES = ("/usr/bin/python3",)

_PATHS_SCRIPT = (
    "import json, sys, sysconfig\n"
    "print(json.dumps({'path': sys.path, 'stdlib': sysconfig.get_path('stdlib'),"
    " 'platstdlib': sysconfig.get_path('platstdlib')}))"
)


class InterpreterError(Exception):
    """The interpreter cannot be described (missing, broken, or `ldd` absent)."""


@dataclass(frozen=True)
class Interpreter:
    """An interpreter and the host paths (read-only binds, symlinks) it needs to start."""

    executable: str  # a real path, bound at the same path
    binds: tuple[str, ...]  # real host paths, bound read-only at the same path
    symlinks: tuple[tuple[str, str], ...]  # (target, link) recreated in the sandbox
    hidden: tuple[str, ...]  # site-packages inside a bound stdlib, covered by an empty tmpfs


def candidates() -> tuple[str, ...]:
    """Interpreters to try in order: Debian's, then the real path of the server's own."""
    own = getattr(sys, "_base_executable", None) or sys.executable
    found = [*DEFAULT_CANDIDATES, own, sys.executable]
    return tuple(dict.fromkeys(os.path.realpath(path) for path in found if path))


def describe(executable: str, timeout: float = 30.0) -> Interpreter:
    """What `executable` needs in the sandbox; raises InterpreterError if it cannot tell."""
    executable = os.path.realpath(executable)
    if not os.access(executable, os.X_OK):
        raise InterpreterError(f"no interpreter at {executable}")
    ldd = shutil.which("ldd")
    if ldd is None:
        raise InterpreterError("ldd is not installed (needed to find the interpreter's libraries)")
    paths = _ask(executable, timeout)
    directories = _stdlib_directories(paths)
    extensions = sorted(
        module
        for directory in directories
        for module in glob.glob(os.path.join(directory, "lib-dynload", "*.so"))
    )
    libraries = _linked_libraries(ldd, [executable, *extensions], timeout)
    named = [executable, *directories, *libraries]
    binds = _without_nested(sorted({os.path.realpath(path) for path in named}))
    symlinks = tuple(dict.fromkeys(link for path in named for link in symlinks_along(path)))
    hidden = tuple(
        sub
        for directory in directories
        for sub in (os.path.join(directory, name) for name in ("site-packages", "dist-packages"))
        if os.path.isdir(sub)
    )
    return Interpreter(executable, tuple(binds), symlinks, hidden)


def _ask(executable: str, timeout: float) -> dict:
    """The interpreter's own view of its paths, started as the sandbox starts it."""
    try:
        stdout, _ = capture([executable, "-I", "-S", "-c", _PATHS_SCRIPT], timeout)
        return json.loads(stdout)
    except (OSError, ValueError) as error:
        raise InterpreterError(f"{executable} did not report its paths: {error}") from error


def _stdlib_directories(paths: dict) -> list[str]:
    """Existing stdlib directories; sys.path under -I -S is stdlib and lib-dynload only."""
    named = [*paths.get("path", []), paths.get("stdlib"), paths.get("platstdlib")]
    return sorted({os.path.normpath(p) for p in named if p and os.path.isdir(p)})


def _linked_libraries(ldd: str, files: list[str], timeout: float) -> list[str]:
    """Every library path `ldd` resolves for these files, the dynamic loader included."""
    try:
        stdout, _ = capture([ldd, *files], timeout)
    except OSError as error:
        raise InterpreterError(f"ldd failed: {error}") from error
    libraries = set()
    for line in stdout.splitlines():
        if not line.startswith(("\t", " ")):
            continue  # a "file:" header when ldd is given several files
        target = line.split("=>", 1)[1] if "=>" in line else line
        path = target.strip().split(" (", 1)[0].strip()
        if path.startswith("/") and os.path.exists(path):
            libraries.add(path)
    return sorted(libraries)


def _without_nested(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another path of the list (already bound with it)."""
    kept: list[str] = []
    for path in paths:  # sorted, so a directory comes before what it holds
        if not any(path.startswith(parent.rstrip("/") + "/") for parent in kept):
            kept.append(path)
    return kept


def symlinks_along(path: str) -> list[tuple[str, str]]:
    """The (target, link) pairs met while resolving `path` component by component."""
    links: list[tuple[str, str]] = []
    pending = os.path.normpath(path)
    for _ in range(40):  # the kernel's own bound on symlinks in one lookup
        current = "/"
        parts = [part for part in pending.split("/") if part]
        for position, part in enumerate(parts):
            candidate = os.path.join(current, part)
            if os.path.islink(candidate):
                target = os.readlink(candidate)
                links.append((target, candidate))
                rest = parts[position + 1 :]
                pending = os.path.normpath(os.path.join(current, target, *rest))
                break
            current = candidate
        else:
            return links
    return links
