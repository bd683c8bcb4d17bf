"""gevent rule (DESIGN 3): the request path uses .invoke()/.stream(), never asyncio."""

import re
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
FORBIDDEN = re.compile(r"asyncio\.run\(|\.astream\(|\.ainvoke\(|\.astream_events\(|^\s*async def ")


def test_no_asyncio_in_backend_code():
    offenders = [
        f"{path.relative_to(BACKEND)}:{number}: {line.strip()}"
        for path in BACKEND.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []
