"""Users, login bookkeeping and server-side sessions."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circlue.errors import NotFound, ValidationError
from circlue.models import ROLES, User, UserSession
from circlue.security import hash_password, login_proof, new_session_token, token_digest
from circlue.text import clean_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UserRow:
    """A user as pages see it (never the password hash)."""

    id: uuid.UUID
    email: str
    name: str
    role: str
    is_active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime | None


@dataclass(frozen=True)
class LoginResult:
    """A successful login: who, and the session token the browser session keeps."""

    user_id: uuid.UUID
    email: str
    name: str
    role: str
    token: str


@dataclass(frozen=True)
class SessionInfo:
    """A live server-side session: who, with which role, until when."""

    user_id: uuid.UUID
    email: str
    name: str
    role: str
    expires_at: dt.datetime


def _row(user: User) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        is_active=bool(user.is_active),
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def normalise_email(email: str) -> str:
    """Lower-case and strip an e-mail address, or raise ValidationError if it is not one."""
    value = clean_text(email, field="이메일 / e-mail", max_length=255).lower()
    # ASCII only: look-alike letters (é for e, Cyrillic а for a) would make a second "admin@".
    if not value.isascii() or not _EMAIL.match(value):
        raise ValidationError("올바른 이메일 주소를 입력하세요 / enter a valid e-mail address")
    return value


def create_user(session: Session, *, email: str, name: str, role: str, password: str) -> UserRow:
    """Create an active user with a bcrypt-hashed password."""
    email = normalise_email(email)
    name = clean_text(name, field="이름 / name", max_length=100, required=True)
    if role not in ROLES:
        raise ValidationError(f"역할은 {', '.join(ROLES)} 중 하나여야 합니다 / role must be one of {', '.join(ROLES)}")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ValidationError(f"이미 등록된 이메일입니다 / e-mail already registered: {email}") from exc
    session.refresh(user)
    return _row(user)


def list_users(session: Session) -> list[UserRow]:
    """Every user: admins, then managers, then brand users, each by e-mail."""
    rank = case({"admin": 0, "manager": 1}, value=User.role, else_=2)
    users = session.scalars(select(User).order_by(rank, User.email)).all()
    return [_row(u) for u in users]


def set_user_active(session: Session, *, user_id: uuid.UUID, active: bool) -> None:
    """Activate or deactivate a user; deactivation also revokes their sessions, so reactivation revives none."""
    values: dict = {"is_active": active}
    if not active:
        values["sessions_revoked_at"] = func.now()
    result = session.execute(update(User).where(User.id == user_id).values(**values))
    if result.rowcount == 0:
        raise NotFound("사용자를 찾을 수 없습니다 / user not found")


def login(session: Session, *, email: str, password: str, hours: int) -> LoginResult | None:
    """Check a password and open a session in one locked step in the database; None for any failure.

    `session` must come from circlue.db.login_unit_of_work (the circlue_auth role: the app role may not call the
    login functions). Unknown, deactivated and locked accounts cost the same bcrypt work as a wrong password (the
    database answers unknown e-mails with a stable fake salt), and every failure looks the same to the caller.
    """
    email = clean_text(email, field="이메일 / e-mail", max_length=255)
    salt = session.execute(text("SELECT circlue_login_salt(:email)"), {"email": email}).scalar_one()
    proof = login_proof(password, salt)
    token = new_session_token()
    row = session.execute(
        text("SELECT user_id, email, name, role FROM circlue_login(:email, :proof, :digest, :hours)"),
        {"email": email, "proof": proof, "digest": token_digest(token), "hours": hours},
    ).first()
    if row is None:
        return None
    return LoginResult(user_id=row.user_id, email=row.email, name=row.name, role=row.role, token=token)


def validate_session(session: Session, *, token: str) -> SessionInfo | None:
    """The live session behind this token (the database checks expiry, deactivation and revocation), or None."""
    found = session.execute(
        select(UserSession.user_id, UserSession.expires_at, User.email, User.name, User.role)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token == token_digest(token), User.id == func.circlue_current_user_id())
    ).first()
    if found is None:
        return None
    return SessionInfo(
        user_id=found.user_id, email=found.email, name=found.name, role=found.role, expires_at=found.expires_at
    )


def end_session(session: Session) -> bool:
    """Log out: end the acting session (the one whose token this transaction carries), so it opens nothing again."""
    return bool(session.scalar(select(func.circlue_logout())))
