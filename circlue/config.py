"""Settings read once from the environment (ARCHITECTURE.md section 6)."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from circlue.money import DEFAULT_PLATFORM_FEE_RATE, parse_rate


class MissingSecretKey(RuntimeError):
    """CIRCLUE_SECRET_KEY is needed (field encryption) and not set outside demo mode."""


@dataclass(frozen=True)
class Settings:
    """Process-wide configuration; build it with `get_settings()`."""

    database_url: str | None
    app_database_url: str | None
    read_database_url: str | None
    redis_url: str | None
    data_dir: Path
    demo_mode: bool
    app_role: str = "circlue_app"
    # Whole hours: circlue_login() opens sessions of 1 to 24 hours. Lockout (5 failures, 15 minutes) lives there too.
    session_hours: int = 12
    # Circlue's fee on a campaign's agreed influencer fees (CIRCLUE_PLATFORM_FEE_RATE: 0.15 or 15%); a settlement
    # keeps the rate it was opened with.
    platform_fee_rate: Decimal = DEFAULT_PLATFORM_FEE_RATE
    # Upload limits for content files (CIRCLUE_MAX_IMAGE_MB, CIRCLUE_MAX_VIDEO_MB).
    max_image_bytes: int = 20 * 1024 * 1024
    max_video_bytes: int = 200 * 1024 * 1024

    @property
    def media_dir(self) -> Path:
        """Where uploaded content files live, by content hash (circlue.media)."""
        return self.data_dir / "media"


def _megabytes(name: str, default: int) -> int:
    """A size limit in whole megabytes from the environment, as bytes; a bad value is a startup error."""
    raw = os.environ.get(name)
    if not raw:
        return default * 1024 * 1024
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of megabytes, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be at least 1 (megabytes)")
    return value * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process."""
    data_dir = Path(os.environ.get("CIRCLUE_DATA_DIR", ".circlue")).expanduser().resolve()
    database_url = os.environ.get("DATABASE_URL") or None
    demo_mode = database_url is None or os.environ.get("CIRCLUE_DEMO") == "1"
    return Settings(
        database_url=database_url,
        app_database_url=os.environ.get("APP_DATABASE_URL") or None,
        read_database_url=os.environ.get("READ_DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        data_dir=data_dir,
        demo_mode=demo_mode,
        max_image_bytes=_megabytes("CIRCLUE_MAX_IMAGE_MB", 20),
        max_video_bytes=_megabytes("CIRCLUE_MAX_VIDEO_MB", 200),
        platform_fee_rate=parse_rate(os.environ.get("CIRCLUE_PLATFORM_FEE_RATE")),
    )


def secret_key() -> str:
    """CIRCLUE_SECRET_KEY (keys separated by commas, newest first), or in demo mode a key generated once into the
    data dir. Read only by what needs it, so migrations run with DATABASE_URL alone."""
    key = os.environ.get("CIRCLUE_SECRET_KEY")
    if key:
        return key
    settings = get_settings()
    if not settings.demo_mode:
        raise MissingSecretKey(
            "CIRCLUE_SECRET_KEY must be set outside demo mode: it encrypts personal and payment fields "
            "(CIRCLUE_SECRET_KEY 환경 변수가 필요합니다)"
        )
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # Created readable by its owner only (never briefly world-readable); EXCL: two starting processes
            # cannot both write one, the second reads the first's.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may have created it a moment ago and not written it yet
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    return key


@dataclass(frozen=True)
class Supplier:
    """Circlue as the supplier (공급자) printed on its tax invoices."""

    business_number: str
    company_name: str
    ceo_name: str
    address: str
    business_type: str
    business_item: str
    email: str


@lru_cache(maxsize=1)
def supplier() -> Supplier:
    """Circlue's registration for its tax invoices, from CIRCLUE_SUPPLIER_* (demo values where unset)."""
    env = os.environ.get
    return Supplier(
        business_number=env("CIRCLUE_SUPPLIER_BRN", "220-81-62517"),
        company_name=env("CIRCLUE_SUPPLIER_NAME", "(주)써클루"),
        ceo_name=env("CIRCLUE_SUPPLIER_CEO", "한서연"),
        address=env("CIRCLUE_SUPPLIER_ADDRESS", "서울특별시 강남구 테헤란로 427, 10층"),
        business_type=env("CIRCLUE_SUPPLIER_TYPE", "서비스업"),
        business_item=env("CIRCLUE_SUPPLIER_ITEM", "광고대행"),
        email=env("CIRCLUE_SUPPLIER_EMAIL", "tax@circlue.example"),
    )
