"""Argon2id password hashing, run off the gevent hub so other streams keep flowing."""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backend.app.streaming.off_hub import off_hub

# Cheap parameters keep the test suite fast; they are never used outside APP_ENV=testing.
_TESTING_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class PasswordService:
    """Hash and verify passwords; unknown users are verified against a dummy hash."""

    def __init__(self, *, testing: bool) -> None:
        self._hasher = PasswordHasher(**_TESTING_PARAMETERS) if testing else PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        # Same parameters as real hashes, so a login for an unknown user costs the same.
        return self._hasher.hash("dummy password for timing equality")

    def hash(self, password: str) -> str:
        """An Argon2id hash of `password`."""
        return off_hub(self._hasher.hash, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; for `None` burns the same time and says False."""
        target = password_hash or self._dummy_hash
        try:
            matched = off_hub(self._hasher.verify, target, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return bool(matched) and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker parameters than the current ones."""
        return self._hasher.check_needs_rehash(password_hash)
