"""Benchmarks: each module prints one JSON result (`python -m benchmarks.<name>`)."""
