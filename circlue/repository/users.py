"""Users, login bookkeeping and server-side sessions."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circlue.errors import NotFound, ValidationError
from circlue.models import ROLES, User, UserSession
from circlue.security import hash_password, new_session_token, token_digest

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
class LoginCandidate:
    """What the login form needs to check one account."""

    id: uuid.UUID
    email: str
    name: str
    role: str
    password_hash: str


@dataclass(frozen=True)
class SessionInfo:
    """A live server-side session: who, with which role, until when."""

    user_id: uuid.UUID
    email: str
    name: str
    role: str
    expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    value = (email or "").strip().lower()
    if not _EMAIL.match(value) or len(value) > 255:
        raise ValidationError("올바른 이메일 주소를 입력하세요 / enter a valid e-mail address")
    return value


def create_user(session: Session, *, email: str, name: str, role: str, password: str) -> UserRow:
    """Create an active user with a bcrypt-hashed password."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("이름은 1~100자여야 합니다 / name must be 1 to 100 characters")
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


def login_candidates(session: Session, *, now: dt.datetime | None = None) -> list[LoginCandidate]:
    """Active, unlocked accounts: the only ones the login form may accept."""
    now = now or _now()
    rows = session.scalars(
        select(User).where(
            User.is_active.is_(True),
            (User.locked_until.is_(None)) | (User.locked_until <= now),
        )
    ).all()
    return [LoginCandidate(u.id, u.email, u.name, u.role, u.password_hash) for u in rows]


def record_failed_login(
    session: Session, *, email: str, max_failures: int, lockout: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """Count a failed password for this e-mail; lock the account once max_failures is reached. True if now locked."""
    now = now or _now()
    user = session.scalars(select(User).where(User.email == email.strip().lower()).with_for_update()).first()
    if user is None:
        return False
    user.failed_login_count = (user.failed_login_count or 0) + 1
    if user.failed_login_count >= max_failures:
        user.locked_until = now + lockout
        user.failed_login_count = 0
        return True
    return False


def start_session(session: Session, *, user_id: uuid.UUID, expires_at: dt.datetime) -> str:
    """Record a successful login and open a server-side session; returns the clear token (kept by the caller)."""
    session.execute(
        update(User).where(User.id == user_id).values(failed_login_count=0, locked_until=None, last_login_at=_now())
    )
    token = new_session_token()
    session.add(UserSession(user_id=user_id, token=token_digest(token), expires_at=expires_at))
    session.flush()
    return token


def validate_session(session: Session, *, user_id: uuid.UUID, token: str) -> SessionInfo | None:
    """The live session behind this token if it exists, has not expired and its user is still active."""
    found = session.execute(
        select(UserSession.expires_at, User.email, User.name, User.role)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.user_id == user_id,
            UserSession.token == token_digest(token),
            UserSession.expires_at > _now(),
            User.is_active.is_(True),
            or_(User.sessions_revoked_at.is_(None), UserSession.created_at > User.sessions_revoked_at),
        )
    ).first()
    if found is None:
        return None
    return SessionInfo(
        user_id=user_id, email=found.email, name=found.name, role=found.role, expires_at=found.expires_at
    )


def end_session(session: Session, *, user_id: uuid.UUID, token: str) -> None:
    """Log out: delete this session so neither the token nor the re-login cookie works again."""
    session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.token == token_digest(token))
    )


