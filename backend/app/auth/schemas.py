"""Request and response models of the auth endpoints (DESIGN 4.1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from backend.app.api.schemas import CleanStr, StrictModel, envelope

UserType = Literal["beginner", "advanced"]


class RegisterRequest(StrictModel):
    """A new account."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,32}$", examples=["learner_01"])
    password: CleanStr = Field(min_length=8, max_length=128)


class LoginRequest(StrictModel):
    """Credentials; bounds are loose so a bad guess looks like any other failed login."""

    username: CleanStr = Field(min_length=1, max_length=64)
    password: CleanStr = Field(min_length=1, max_length=128)


class UpdateMeRequest(StrictModel):
    """The learner's profile settings."""

    user_type: UserType


class UserOut(BaseModel):
    """A user as the API shows it."""

    id: str
    username: str
    user_type: UserType


class UserData(BaseModel):
    """`data` of register and me."""

    user: UserOut


class TokenData(BaseModel):
    """`data` of login and refresh."""

    access_token: str
    refresh_token: str
    expires_in: int = Field(description="Seconds until the access token expires.")
    user: UserOut


class Empty(BaseModel):
    """`data` of calls that return nothing."""


UserResponse = envelope("UserResponse", UserData)
TokenResponse = envelope("TokenResponse", TokenData)
EmptyResponse = envelope("EmptyResponse", Empty)
