"""The hashed locks match the requirements files, and every install uses them."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# (the human-edited requirements file, its lock)
PAIRS = [
    ("requirements.txt", "requirements.lock"),
    ("requirements-dev.txt", "requirements-dev.lock"),
]
_LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")


def direct_pins(name: str) -> dict[str, str]:
    """The pinned direct requirements of a file, following `-r` includes."""
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= direct_pins(line[3:].strip())
        elif line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{name}: {line} is not pinned"
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def locked(name: str) -> dict[str, tuple[str, int]]:
    """Each locked package's version and how many hashes it carries."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        match = _LOCKED.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            entries[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
    return entries


@pytest.mark.parametrize(("requirements", "lock"), PAIRS)
def test_every_direct_requirement_is_locked_at_its_pin(requirements, lock):
    entries = locked(lock)
    mismatched = {
        name: (version, entries.get(name, ("missing",))[0])
        for name, version in direct_pins(requirements).items()
        if entries.get(name, ("missing",))[0] != version
    }
    assert not mismatched, f"run `make lock`: {mismatched}"


@pytest.mark.parametrize("lock", [lock for _, lock in PAIRS])
def test_every_locked_package_carries_hashes(lock):
    entries = locked(lock)
    assert len(entries) > len(direct_pins(lock.replace(".lock", ".txt")))
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_the_runtime_lock_agrees_with_the_dev_lock():
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {name: dev.get(name, ("missing",))[0] for name in runtime} == {
        name: version for name, (version, _) in runtime.items()
    }


def test_installs_require_the_locked_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert not re.search(r"pip install .*-r requirements(-dev)?\.txt", makefile)
    # The stamps depend on the locks, so a changed lock is installed again.
    assert re.search(r"^\$\(VENV\)/\.runtime: requirements\.lock$", makefile, re.MULTILINE)
    assert re.search(r"^\$\(VENV\)/\.dev: requirements-dev\.lock ", makefile, re.MULTILINE)
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "RUN pip install --require-hashes -r requirements.lock" in dockerfile
