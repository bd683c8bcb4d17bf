"""Login timing: unknown user vs wrong password vs success, side by side in one run.

Prints one JSON object. Uses production Argon2 parameters (APP_ENV=development), because
the point is that an unknown username costs the same as a wrong password.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time

from backend.app import create_app
from backend.app.config import Settings

ROUNDS = 15


def main() -> None:
    """Measure each login outcome, interleaved so machine noise hits all three alike."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None, APP_ENV="development", DATA_DIR=data_dir, RATE_LIMIT_LOGIN="10000/minute",
            LOG_LEVEL="WARNING",
        )  # fmt: skip
        client = create_app(settings).test_client()
        body = {"username": "bench_user", "password": "benchmark password"}
        client.post("/api/v1/auth/register", json=body)
        cases = {
            "success": body,
            "wrong_password": {**body, "password": "not the password"},
            "unknown_user": {**body, "username": "nobody_at_all"},
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(ROUNDS):
            for name, payload in cases.items():
                started = time.perf_counter()
                client.post("/api/v1/auth/login", json=payload)
                samples[name].append((time.perf_counter() - started) * 1000)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(
        json.dumps(
            {
                "benchmark": "login_timing",
                "rounds": ROUNDS,
                "median_ms": {k: round(v, 2) for k, v in medians.items()},
                "unknown_over_wrong_password_ratio": round(
                    medians["unknown_user"] / medians["wrong_password"], 3
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
