"""User records: create, find, update."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from backend.app.errors import APIError
from backend.app.storage.db import Database
from backend.app.storage.models import User

_users = User.__table__
# Every authenticated request loads its user: one statement built once, run on a plain
# connection (a third of the ORM session's cost), its row made a detached User.
_BY_ID = select(_users).where(_users.c.id == bindparam("user_id"))


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
        """The user with this id (detached, as every User this repository returns)."""
        with self._db.engine.connect() as connection:
            row = connection.execute(_BY_ID, {"user_id": user_id}).mappings().first()
        return User(**row) if row is not None else None

    def update(self, user_id: str, **fields) -> User | None:
        """Set the given fields; None when the user no longer exists."""
        with self._db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            for name, value in fields.items():
                setattr(user, name, value)
        return user
