"""Password hashing (bcrypt) and session tokens (random, stored only as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

import bcrypt

from circlue.errors import ValidationError

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Return a bcrypt hash of the password, refusing ones too short or too long for bcrypt."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다 / "
            f"password must be at least {MIN_PASSWORD_LENGTH} characters"
        )
    if password != password.strip():
        # The login form strips what is typed, so such a password could never be entered.
        raise ValidationError(
            "비밀번호 앞뒤에 공백을 둘 수 없습니다 / password may not start or end with a space"
        )
    encoded = password.encode("utf-8")
    if len(encoded) > 72:
        raise ValidationError("비밀번호가 너무 깁니다 (72바이트 이하) / password too long (72 bytes max)")
    return bcrypt.hashpw(encoded, bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when the password matches the bcrypt hash; False for any malformed input."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def new_session_token() -> str:
    """A fresh unguessable session token (shown to nobody; kept in the Streamlit session)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored in user_sessions.token instead of the token itself."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
