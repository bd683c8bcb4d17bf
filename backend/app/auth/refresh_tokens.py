"""Refresh-token bookkeeping: issue, rotate once, revoke, and catch reuse of a rotated token."""

from __future__ import annotations

import logging
import time

from sqlalchemy import update

from backend.app.storage.db import Database
from backend.app.storage.models import RefreshToken

log = logging.getLogger(__name__)


class RefreshTokenStore:
    """Every refresh token issued, so a rotated or logged-out one is refused."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, jti: str, user_id: str, family_id: str, expires_at: float) -> None:
        """Remember a freshly issued refresh token."""
        with self._db.transaction() as session:
            session.add(
                RefreshToken(jti=jti, user_id=user_id, family_id=family_id, expires_at=expires_at)
            )

    def consume(self, jti: str) -> RefreshToken | None:
        """Revoke the token for rotation; exactly one caller wins, the others get None.

        A token presented again after rotation means it leaked (or a client raced itself):
        the whole family is revoked, so whoever holds a copy is logged out too.
        """
        now = time.time()
        with self._db.transaction() as session:
            won = session.execute(
                update(RefreshToken)
                .where(RefreshToken.jti == jti, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            token = session.get(RefreshToken, jti)
            if token is None:
                return None
            if won != 1:
                log.warning("Reuse of a rotated refresh token; revoking its family")
                self._revoke_family(session, token.family_id, now)
                return None
            return token

    def revoke(self, jti: str) -> None:
        """Revoke one token (logout); revoking twice is harmless."""
        with self._db.transaction() as session:
            session.execute(
                update(RefreshToken)
                .where(RefreshToken.jti == jti, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=time.time())
            )

    @staticmethod
    def _revoke_family(session, family_id: str, now: float) -> None:
        session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
