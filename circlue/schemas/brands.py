"""What the brand and product forms may send, and the sales and social channels we know by name."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, field_validator

from circlue.errors import ValidationError
from circlue.schemas.common import AgeRange, HttpUrl, Input, Won, optional_text, required_line
from circlue.text import clean_text

# TEXT columns have no limit; a form field does, so a paste of a whole catalogue gets a message, not a 10 MB row.
LONG_TEXT = 5000
CHANNEL_MAX_LENGTH = 50
CHANNELS_MAX = 20
GENDERS = ("female", "male", "unisex")


@dataclass(frozen=True)
class Channel:
    """A channel we know: the name stored (`key`), its Korean, English and Chinese names, and other spellings."""

    key: str
    ko: str
    en: str
    zh: str | None = None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every spelling that means this channel (compared case-insensitively)."""
        return tuple(n for n in (self.key, self.ko, self.en, self.zh, *self.aliases) if n)


SALES_CHANNELS: tuple[Channel, ...] = (
    Channel("Tmall", "티몰", "Tmall", "天猫"),
    Channel("Tmall Global", "티몰 글로벌", "Tmall Global", "天猫国际", ("Tmall International",)),
    Channel("JD", "징둥", "JD.com", "京东", ("Jingdong",)),
    Channel("JD Worldwide", "징둥 글로벌", "JD Worldwide", "京东国际", ("JD International", "京东全球购")),
    Channel("Douyin shop", "더우인 숍", "Douyin shop", "抖音小店", ("抖店", "Douyin store")),
    Channel("Xiaohongshu shop", "샤오홍슈 숍", "Xiaohongshu shop", "小红书店铺", ("RED shop", "小红书商城")),
    Channel("Taobao", "타오바오", "Taobao", "淘宝"),
    Channel("Pinduoduo", "핀둬둬", "Pinduoduo", "拼多多"),
    Channel("WeChat mini program", "위챗 미니프로그램", "WeChat mini program", "微信小程序"),
    Channel("Kaola", "카올라", "Kaola", "考拉海购", ("网易考拉",)),
    Channel("Duty free", "면세점", "Duty-free shops", "免税店"),
    Channel("Own mall", "자사몰", "Own online store", None, ("own mall", "official store", "공식몰")),
    Channel("Olive Young", "올리브영", "Olive Young"),
    Channel("Coupang", "쿠팡", "Coupang"),
    Channel("Naver Smart Store", "네이버 스마트스토어", "Naver Smart Store", None, ("스마트스토어",)),
    Channel("Musinsa", "무신사", "Musinsa"),
    Channel("Kurly", "마켓컬리", "Kurly", None, ("컬리", "Market Kurly")),
)

SOCIAL_CHANNELS: tuple[Channel, ...] = (
    Channel("Weibo", "웨이보", "Weibo", "微博"),
    Channel("WeChat", "위챗", "WeChat", "微信", ("Weixin",)),
    Channel("Xiaohongshu", "샤오홍슈", "Xiaohongshu", "小红书", ("RED", "Little Red Book")),
    Channel("Douyin", "더우인", "Douyin", "抖音"),
    Channel("Bilibili", "빌리빌리", "Bilibili", "哔哩哔哩", ("B站",)),
    Channel("Kuaishou", "콰이쇼우", "Kuaishou", "快手"),
    Channel("Instagram", "인스타그램", "Instagram"),
    Channel("YouTube", "유튜브", "YouTube"),
    Channel("TikTok", "틱톡", "TikTok"),
    Channel("Kakao", "카카오톡 채널", "Kakao", None, ("KakaoTalk", "카카오", "카카오톡")),
    Channel("Naver Blog", "네이버 블로그", "Naver Blog"),
)

BRAND_LABELS = {
    "user_id": "브랜드 사용자 / brand user",
    "name": "브랜드명 / name",
    "description": "소개 / description",
    "website": "웹사이트 / website",
    "story": "브랜드 스토리 / story",
    "channels": "판매 채널 / sales channels",
    "marketing": "마케팅 / marketing",
    "social_channels": "SNS 채널 / social channels",
    "category": "카테고리 / category",
    "logo_url": "로고 URL / logo URL",
}
PRODUCT_LABELS = {
    "name": "제품명 / name",
    "description": "설명 / description",
    "purchase_url": "구매 URL / purchase URL",
    "unit": "단위 / unit",
    "price": "가격 / price",
    "ingredients": "성분 / ingredients",
    "usage": "사용법 / usage",
    "effects": "효과 / effects",
    "usp": "USP",
    "target_gender": "타깃 성별 / target gender",
    "target_age": "타깃 연령 / target age",
    "category": "카테고리 / category",
    "image_url": "이미지 URL / image URL",
}


def _fold(name: str) -> str:
    """How two spellings are compared: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


def _index(channels: Iterable[Channel]) -> dict[str, Channel]:
    return {_fold(name): channel for channel in channels for name in channel.names()}


_SALES_BY_NAME = _index(SALES_CHANNELS)
_SOCIAL_BY_NAME = _index(SOCIAL_CHANNELS)
_SEPARATORS = re.compile(r"[,，、;；\n]")


def known_channel(name: str, *, social: bool) -> Channel | None:
    """The known channel a spelling means (天猫国际, tmall global and 티몰 글로벌 are one), or None for free text."""
    return (_SOCIAL_BY_NAME if social else _SALES_BY_NAME).get(_fold(name))


def split_channel_text(text: str | None) -> list[str]:
    """Free-text channels as typed in one box: separated by commas (, ， 、), semicolons or new lines."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def split_known(values: Iterable[str] | None, *, social: bool) -> tuple[list[str], list[str]]:
    """Stored channels as a form shows them: (known channels' keys, other names as typed)."""
    known: list[str] = []
    other: list[str] = []
    for value in values or ():
        channel = known_channel(value, social=social)
        if channel is None:
            other.append(value)
        elif channel.key not in known:
            known.append(channel.key)
    return known, other


def _canonical_channels(values: list[str], *, social: bool) -> list[str]:
    """Trimmed, known ones under their stored name, free text kept; refuses control characters, long names,
    duplicates (case-insensitive, after resolving other spellings) and more than CHANNELS_MAX entries."""
    result: list[str] = []
    seen: dict[str, str] = {}
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        try:
            clean_text(value, field="", max_length=1_000_000)  # only its control-character check
        except ValidationError:
            raise ValueError(
                "채널 이름에 제어 문자(줄바꿈, NUL 등)는 쓸 수 없습니다 / "
                "channel names may not hold control characters (line breaks, NUL)"
            ) from None
        if len(value) > CHANNEL_MAX_LENGTH:
            raise ValueError(
                f"채널 이름은 {CHANNEL_MAX_LENGTH}자 이하여야 합니다: '{value[:20]}…' / "
                f"a channel name must be {CHANNEL_MAX_LENGTH} characters or fewer: '{value[:20]}…'"
            )
        channel = known_channel(value, social=social)
        name = channel.key if channel else value
        folded = _fold(name)
        if folded in seen:
            same = f"'{seen[folded]}'" if seen[folded] == value else f"'{seen[folded]}', '{value}'"
            raise ValueError(f"같은 채널이 두 번 있습니다: {same} / the same channel is listed twice: {same}")
        seen[folded] = value
        result.append(name)
    if len(result) > CHANNELS_MAX:
        raise ValueError(
            f"채널은 {CHANNELS_MAX}개까지 입력할 수 있습니다 ({len(result)}개) / "
            f"at most {CHANNELS_MAX} channels ({len(result)} given)"
        )
    return result


def _channels(social: bool) -> Callable[[list[str]], list[str]]:
    return lambda values: _canonical_channels(values, social=social)


def _amount_text(value: Any) -> Any:
    """A typed amount as people write it in Korea (₩22,000, 22,000원), blank meaning none."""
    if isinstance(value, str):
        value = re.sub(r"[\s,₩원]", "", value)
        return value or None
    return value


def _none_to_empty(value: Any) -> Any:
    return [] if value is None else value


SalesChannels = Annotated[list[str], BeforeValidator(_none_to_empty), AfterValidator(_channels(social=False))]
"""Sales channels: known ones (Tmall, JD, Douyin shop …) under their stored name, plus free text."""

SocialChannels = Annotated[list[str], BeforeValidator(_none_to_empty), AfterValidator(_channels(social=True))]
"""Social channels: known ones (Weibo, WeChat, Xiaohongshu …) under their stored name, plus free text."""

LongText = optional_text(LONG_TEXT)
ShortLine = optional_text(50, one_line=True)


class BrandInput(Input):
    """A brand's facts as staff keep them, and the brand user it belongs to."""

    user_id: uuid.UUID
    name: required_line(100)
    description: LongText = None
    website: HttpUrl = None
    story: LongText = None
    channels: SalesChannels = []
    marketing: LongText = None
    social_channels: SocialChannels = []
    category: ShortLine = None
    logo_url: HttpUrl = None

    @field_validator("user_id", mode="before")
    @classmethod
    def _user_chosen(cls, value: Any) -> Any:
        if value is None or value == "":
            raise ValueError("이 브랜드를 관리할 브랜드 사용자를 고르세요 / choose the brand user who runs this brand")
        return value


class BrandStoryInput(Input):
    """The one thing a brand user writes about its brand: its story."""

    story: LongText = None


class ProductInput(Input):
    """A product's facts: what it is, what it costs (KRW) and whom it is for."""

    name: required_line(200)
    description: LongText = None
    purchase_url: HttpUrl = None
    unit: ShortLine = None
    price: Annotated[Won | None, BeforeValidator(_amount_text)] = None
    ingredients: LongText = None
    usage: LongText = None
    effects: LongText = None
    usp: LongText = None
    target_gender: Annotated[Literal["female", "male", "unisex"] | None, BeforeValidator(lambda v: v or None)] = None
    target_age: AgeRange = None
    category: ShortLine = None
    image_url: HttpUrl = None
