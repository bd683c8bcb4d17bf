"""User records: create, find, update."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.app.errors import APIError
from backend.app.storage.db import Database
from backend.app.storage.models import User


class UserRepository:
    """Users in the relational store."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, username: str, password_hash: str) -> User:
        """Insert a new user; 409 CONFLICT when the name is taken (in any letter case)."""
        user = User(
            id=str(uuid.uuid4()),
            username=username,
            username_key=username.lower(),
            password_hash=password_hash,
            user_type="beginner",
        )
        try:
            with self._db.transaction() as session:
                session.add(user)
        except IntegrityError:
            raise APIError(409, "CONFLICT", "This username is already taken.") from None
        return user

    def by_username(self, username: str) -> User | None:
        """The user with this name, case-insensitively."""
        with self._db.transaction() as session:
            return session.scalar(select(User).where(User.username_key == username.lower()))

    def by_id(self, user_id: str) -> User | None:
        """The user with this id."""
        with self._db.transaction() as session:
            return session.get(User, user_id)

    def update(self, user_id: str, **fields) -> User | None:
        """Set the given fields; None when the user no longer exists."""
        with self._db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            for name, value in fields.items():
                setattr(user, name, value)
        return user
