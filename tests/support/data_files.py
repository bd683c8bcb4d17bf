"""What the files under a DATA_DIR hold, read as raw bytes (no store API in between)."""

from __future__ import annotations

from pathlib import Path


def files_holding(data_dir: Path, ticket: str) -> list[str]:
    """Names of the files under DATA_DIR whose raw bytes contain the ticket."""
    needle = ticket.encode()
    return sorted(
        str(path.relative_to(data_dir))
        for path in data_dir.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )
