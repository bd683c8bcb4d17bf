"""Benchmarks share one percentile definition and lean only on the shared test helpers."""

import ast
from pathlib import Path

import pytest

from benchmarks.common import percentile, summary

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
# The test packages a benchmark may reuse: the shared helpers, not other tests' modules.
SHARED_TEST_PACKAGES = ("tests.support", "tests.fakes")


def _benchmark_trees() -> list[tuple[str, ast.Module]]:
    return [
        (path.name, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(BENCHMARKS.glob("*.py"))
    ]


def _imported_modules(tree: ast.Module) -> list[str]:
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return modules


def _is_test_module(module: str) -> bool:
    inside_tests = module == "tests" or module.startswith("tests.")
    shared = any(module == p or module.startswith(p + ".") for p in SHARED_TEST_PACKAGES)
    return inside_tests and not shared


def test_no_benchmark_imports_a_test_module():
    offenders = [
        f"{name}: {module}"
        for name, tree in _benchmark_trees()
        for module in _imported_modules(tree)
        if _is_test_module(module)
    ]
    assert offenders == []


def test_only_common_defines_a_percentile():
    definitions = [
        f"{name}: {node.name}"
        for name, tree in _benchmark_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and "percentile" in node.name and name != "common.py"
    ]
    assert definitions == []


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.5, 50), (0.99, 99), (0.01, 1), (1.0, 100), (0.0, 1)],
)
def test_percentile_is_nearest_rank_over_one_to_a_hundred(fraction, expected):
    assert percentile(list(range(100, 0, -1)), fraction) == expected


def test_percentile_is_always_an_observed_sample():
    samples = [1.0, 2.0, 10.0, 40.0]
    assert percentile(samples, 0.5) == 2.0  # the second of four, not an interpolated 6.0
    assert percentile(samples, 0.99) == 40.0


def test_summary_without_samples_reports_none():
    assert summary([]) == {"p50": None, "p99": None, "max": None}
