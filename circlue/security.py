"""Passwords (bcrypt, verified by the database) and session tokens (random, stored only as SHA-256).

A stored password is `<bcrypt salt, 29 chars><SHA-256 hex of bcrypt(password, salt)>`. To log in, the app asks
the database for the salt (`circlue_login_salt`), computes bcrypt from the typed password and hands the result
to `circlue_login`, which compares its SHA-256 inside the database. So the stored value never reaches the app,
and a copy of it (a dump, a backup) neither logs anyone in nor saves an attacker the bcrypt work per guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

import bcrypt

from circlue.errors import ValidationError
from circlue.text import clean_text

MIN_PASSWORD_LENGTH = 10
BCRYPT_ROUNDS = 12  # circlue_login_salt() answers unknown e-mails with salts of this cost too
_SALT_LENGTH = 29


def _check_new_password(password: str) -> bytes:
    """The password as bytes, or ValidationError if it cannot be typed back or bcrypt cannot take it."""
    password = clean_text(password, field="비밀번호 / password", max_length=200, strip=False)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다 / "
            f"password must be at least {MIN_PASSWORD_LENGTH} characters"
        )
    if password != password.strip():
        # The login form strips what is typed, so such a password could never be entered.
        raise ValidationError("비밀번호 앞뒤에 공백을 둘 수 없습니다 / password may not start or end with a space")
    encoded = password.encode("utf-8")
    if len(encoded) > 72:
        raise ValidationError("비밀번호가 너무 깁니다 (72바이트 이하) / password too long (72 bytes max)")
    return encoded


def _verifier(bcrypt_hash: bytes) -> str:
    return bcrypt_hash[:_SALT_LENGTH].decode("ascii") + hashlib.sha256(bcrypt_hash).hexdigest()


def hash_password(password: str) -> str:
    """The value to store for a new password (salt + SHA-256 of its bcrypt hash); refuses unusable passwords."""
    return _verifier(bcrypt.hashpw(_check_new_password(password), bcrypt.gensalt(BCRYPT_ROUNDS)))


@dataclass(frozen=True)
class HashedPassword:
    """A new password, already hashed: bcrypt's ~0.3 s spent before a transaction opens rather than inside it."""

    value: str = field(repr=False)

    @classmethod
    def of(cls, password: str) -> HashedPassword:
        """Hash (and check) a typed password."""
        return cls(hash_password(password))


def login_proof(password: str, salt: str) -> str:
    """bcrypt(password, salt): what circlue_login() checks; '' when the input cannot be a password at all.

    The bcrypt work is done whatever the input, so a malformed password costs as much time as a real one.
    """
    try:
        encoded = password.encode("utf-8")[:72]
        if b"\x00" in encoded:
            raise ValueError("NUL in password")
        return bcrypt.hashpw(encoded, salt.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError):
        bcrypt.hashpw(b"-", bcrypt.gensalt(BCRYPT_ROUNDS))
        return ""


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches a stored value (for operator tools; the app logs in through the database)."""
    if len(stored) != _SALT_LENGTH + 64:
        return False
    proof = login_proof(password, stored[:_SALT_LENGTH])
    return bool(proof) and hmac.compare_digest(_verifier(proof.encode("ascii")), stored)


def new_session_token() -> str:
    """A fresh unguessable session token (kept by the browser session; the database keeps only its digest)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored in user_sessions.token instead of the token itself."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
