"""Chinese influencers (KOLs) on Douyin, Xiaohongshu, Weibo and Bilibili."""

from __future__ import annotations

from sqlalchemy import String, text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, EncryptedText, Money, Rate, UpdatedAt, UuidPk, blind_indexed

PLATFORMS = ("douyin", "xiaohongshu", "weibo", "bilibili")


class Influencer(Base):
    """An influencer's profile, reach and base fee (KRW)."""

    __tablename__ = "influencers"

    id: Mapped[UuidPk]
    name: Mapped[str] = mapped_column(String(100))
    # Personal data, encrypted by the app (0012); found by exact value through the blind indexes beside them.
    real_name: Mapped[str | None] = mapped_column(EncryptedText)
    real_name_bidx: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_bidx: Mapped[str | None] = mapped_column(String(64))
    wechat_id: Mapped[str | None] = mapped_column(EncryptedText)
    wechat_id_bidx: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(50))
    platform: Mapped[str | None] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(50))
    followers: Mapped[int | None]
    avg_views: Mapped[int | None]
    avg_likes: Mapped[int | None]
    avg_comments: Mapped[int | None]
    engagement_rate: Mapped[Rate]
    profile_image_url: Mapped[str | None] = mapped_column(String(255))
    instagram_url: Mapped[str | None] = mapped_column(String(255))
    youtube_url: Mapped[str | None] = mapped_column(String(255))
    xiaohongshu_url: Mapped[str | None] = mapped_column(String(255))
    tiktok_url: Mapped[str | None] = mapped_column(String(255))
    douyin_url: Mapped[str | None] = mapped_column(String(255))
    weibo_url: Mapped[str | None] = mapped_column(String(255))
    bilibili_url: Mapped[str | None] = mapped_column(String(255))
    base_fee: Mapped[Money | None]
    is_active: Mapped[bool | None] = mapped_column(server_default=text("true"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


blind_indexed(Influencer, "real_name", "phone", "wechat_id")
