"""Users, login bookkeeping and server-side sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circlue.errors import CountedRefusal, NotFound, ValidationError
from circlue.korea import SEOUL
from circlue.models import ROLES, User, UserSession
from circlue.repository.refusals import refusals
from circlue.security import HashedPassword, hash_password, login_proof, new_session_token, token_digest
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
    must_change_password: bool = False

    @property
    def locked(self) -> bool:
        """Locked now by failed logins."""
        return self.locked_until is not None and self.locked_until > dt.datetime.now(dt.UTC)


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
    """A live server-side session: who, with which role, until when, and whether a new password is due."""

    user_id: uuid.UUID
    email: str
    name: str
    role: str
    expires_at: dt.datetime
    must_change_password: bool = False


@dataclass(frozen=True)
class SessionRow:
    """One of a user's live sessions, as the admin tools list them (never the token)."""

    id: uuid.UUID
    created_at: dt.datetime | None
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
        must_change_password=bool(user.must_change_password),
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


_LAST_ADMIN = (
    "마지막 관리자는 비활성화하거나 역할을 바꿀 수 없습니다. 먼저 다른 관리자를 만드세요 / "
    "the last active admin cannot be deactivated or demoted; make another admin first"
)


def _keeps_an_admin(session: Session, user_id: uuid.UUID) -> None:
    """Refuse, before the database does, to take away the last active admin."""
    admins = session.scalars(select(User.id).where(User.role == "admin", User.is_active.is_(True))).all()
    if admins == [user_id]:
        raise ValidationError(_LAST_ADMIN)


def _update_user(session: Session, user_id: uuid.UUID, **values: object) -> None:
    with refusals():
        result = session.execute(update(User).where(User.id == user_id).values(**values))
    if result.rowcount == 0:
        raise NotFound("사용자를 찾을 수 없습니다 / user not found")


# When the UPDATE runs, not when its transaction began (now()): a login that committed in between (it waits for
# the row's lock) opened its session before this moment and ends with the others.
_REVOKED_NOW = func.clock_timestamp()


def set_user_active(session: Session, *, user_id: uuid.UUID, active: bool) -> None:
    """Activate or deactivate a user; deactivation also revokes their sessions, so reactivation revives none."""
    values: dict = {"is_active": active}
    if not active:
        _keeps_an_admin(session, user_id)
        values["sessions_revoked_at"] = _REVOKED_NOW
    _update_user(session, user_id, **values)


def set_role(session: Session, *, user_id: uuid.UUID, role: str) -> None:
    """Change a user's role (admins only, by the database); the last admin keeps theirs."""
    if role not in ROLES:
        raise ValidationError(f"역할은 {', '.join(ROLES)} 중 하나여야 합니다 / role must be one of {', '.join(ROLES)}")
    if role != "admin":
        _keeps_an_admin(session, user_id)
    # A new role is a new set of rights: sessions opened under the old one end.
    _update_user(session, user_id, role=role, sessions_revoked_at=_REVOKED_NOW)


def unlock(session: Session, *, user_id: uuid.UUID) -> None:
    """Lift a lock left by failed logins (admins only)."""
    _update_user(session, user_id, locked_until=None, failed_login_count=0)


def reset_password(session: Session, *, user_id: uuid.UUID, password: str | HashedPassword) -> None:
    """Set a temporary password (admins only): the user's sessions end and a new password is due at next login.

    Pages hash it first (`HashedPassword.of`), before their transaction opens: bcrypt takes a while.
    """
    verifier = password if isinstance(password, HashedPassword) else HashedPassword.of(password)
    _update_user(
        session,
        user_id,
        password_hash=verifier.value,
        must_change_password=True,
        sessions_revoked_at=_REVOKED_NOW,
        failed_login_count=0,
        locked_until=None,
    )


def change_own_password(session: Session, *, current_password: str, new_password: str) -> None:
    """The acting user's new password, given the current one; their other sessions end, this one goes on.

    A wrong current password counts like a failed login (five lock the account for 15 minutes): CountedRefusal,
    so the unit of work keeps the count.
    """
    new_hash = hash_password(new_password)
    if current_password == new_password:
        raise ValidationError("새 비밀번호는 지금과 달라야 합니다 / the new password must differ from the current one")
    salt = session.scalar(select(func.circlue_my_salt()))
    if salt is None:
        raise NotFound("로그인이 끝났습니다 / your session has ended")
    changed, tries_left, locked_till = session.execute(
        text("SELECT changed, tries_left, locked_till FROM circlue_change_password(:proof, :hash)"),
        {"proof": login_proof(current_password, salt), "hash": new_hash},
    ).one()
    if changed:
        return
    if locked_till is not None:
        until = f"{locked_till.astimezone(SEOUL):%H:%M}"
        raise CountedRefusal(
            f"비밀번호가 5번 틀려 계정이 {until}까지 잠겼습니다. 그 뒤에 다시 시도하세요 / "
            f"after 5 wrong passwords the account is locked until {until} (Seoul time); try again then"
        )
    raise CountedRefusal(
        f"지금 비밀번호가 맞지 않습니다. {tries_left}번 더 틀리면 15분 동안 잠깁니다 / "
        f"the current password is wrong; {tries_left} more wrong tries lock the account for 15 minutes"
    )


def list_sessions(session: Session, *, user_id: uuid.UUID) -> list[SessionRow]:
    """A user's live sessions, newest first (admins see anyone's; a user their own)."""
    rows = session.execute(
        select(UserSession.id, UserSession.created_at, UserSession.expires_at)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.user_id == user_id,
            UserSession.expires_at > func.now(),
            (User.sessions_revoked_at.is_(None)) | (UserSession.created_at > User.sessions_revoked_at),
        )
        .order_by(UserSession.created_at.desc())
    ).all()
    return [SessionRow(*row) for row in rows]


def end_sessions(session: Session, *, user_id: uuid.UUID) -> int:
    """End every session of a user (admins only); returns how many ended."""
    with refusals():
        return int(session.scalar(select(func.circlue_end_sessions(user_id))) or 0)


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
        select(
            UserSession.user_id,
            UserSession.expires_at,
            User.email,
            User.name,
            User.role,
            User.must_change_password,
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token == token_digest(token), User.id == func.circlue_current_user_id())
    ).first()
    if found is None:
        return None
    return SessionInfo(
        user_id=found.user_id,
        email=found.email,
        name=found.name,
        role=found.role,
        expires_at=found.expires_at,
        must_change_password=bool(found.must_change_password),
    )


def end_session(session: Session) -> bool:
    """Log out: end the acting session (the one whose token this transaction carries), so it opens nothing again."""
    return bool(session.scalar(select(func.circlue_logout())))


def leave_handoff(session: Session, *, nonce: str, xsrf: bytes) -> None:
    """After a password login, as that session: a one-time nonce (60 s) the browser trades for the login cookie.

    Bound to the browser's XSRF token, so a nonce that leaked (a log, a shoulder) opens nothing elsewhere.
    """
    session.execute(
        select(func.circlue_handoff_put(token_digest(nonce), hashlib.sha256(xsrf).hexdigest()))
    )


def take_handoff(session: Session, *, nonce: str, xsrf: bytes) -> tuple[str, dt.datetime] | None:
    """As the login role: trade a nonce for a fresh token of its session (the cookie's) and the session's expiry.

    Single use; None when the nonce is unknown, used, expired or came with another browser's XSRF token.
    """
    row = session.execute(
        text("SELECT token, expires_at FROM circlue_handoff_take(:nonce, :xsrf)"),
        {"nonce": token_digest(nonce), "xsrf": hashlib.sha256(xsrf).hexdigest()},
    ).first()
    return (row.token, row.expires_at) if row else None
