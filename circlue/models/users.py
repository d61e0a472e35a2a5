"""Users and their server-side sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, UpdatedAt, UuidPk

ROLES = ("brand", "manager", "admin")
STAFF_ROLES = ("manager", "admin")


class User(Base):
    """A person who logs in: a brand user, an account manager or an admin."""

    __tablename__ = "users"

    id: Mapped[UuidPk]
    email: Mapped[str] = mapped_column(String(255), unique=True)
    # The app role may not read it (migration 0010): never loaded, and loading it by accident raises.
    password_hash: Mapped[str] = mapped_column(String(255), deferred=True, deferred_raiseload=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool | None] = mapped_column(server_default=text("true"))
    failed_login_count: Mapped[int] = mapped_column(server_default=text("0"))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sessions_revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    must_change_password: Mapped[bool] = mapped_column(server_default=text("false"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class UserSession(Base):
    """A login: the token is stored as its SHA-256 hash, never in clear."""

    __tablename__ = "user_sessions"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(255), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
