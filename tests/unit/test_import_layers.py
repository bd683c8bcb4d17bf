"""Imports follow the layer order in pyproject.toml, and every backend module has a layer."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "backend" / "app"


def layer_contract() -> dict:
    """The one layers contract of pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    return layers


def test_imports_point_down_the_layers():
    """lint-imports passes; on failure its report names each import that points up."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_of_the_app_has_a_layer():
    """A new top-level module is placed in the order, not left out of the check."""
    placed = {
        name.strip("() ")
        for layer in layer_contract()["layers"]
        for name in re.split(r"[|:]", layer)
    }
    modules = {
        path.stem if path.is_file() else path.name
        for path in APP.iterdir()
        # Folders without __init__.py hold data (the shipped course), not modules.
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules - placed == set()
    assert placed - modules == set(), "a layer names a module that does not exist"
