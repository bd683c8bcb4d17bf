"""What every RunCaps backend shares: the 429 answer of a full cap and holding a slot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from backend.app.errors import APIError

DEFAULT_LEASE_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5


class CapsAnswers:
    """`acquire` and `hold` on top of a backend's `try_acquire` and `release`."""

    cap: int

    def try_acquire(self, user_id: str, run_id: str, kind: str, **lease: float) -> bool:
        raise NotImplementedError

    def release(self, run_id: str) -> None:
        raise NotImplementedError

    def acquire(self, user_id: str, run_id: str, kind: str, **lease: float) -> None:
        """Like try_acquire, but answer 429 RATE_LIMITED when the cap is reached."""
        if not self.try_acquire(user_id, run_id, kind, **lease):
            raise APIError(
                429,
                "RATE_LIMITED",
                f"At most {self.cap} generations can run at once. Wait for one to finish.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    @contextmanager
    def hold(self, user_id: str, run_id: str, kind: str, **lease: float) -> Iterator[None]:
        """Hold a slot for the duration of a synchronous generation."""
        self.acquire(user_id, run_id, kind, **lease)
        try:
            yield
        finally:
            self.release(run_id)
