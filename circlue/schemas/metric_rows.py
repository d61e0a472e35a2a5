"""Rows of a metrics import file (the seed's column names as header): checked field by field, fast enough for a
million rows, each good row as a line for COPY, each bad one with its line number and reasons (Korean / English).

What only the database can check (the campaign, the influencer, their contract, a submission of theirs, the same
key twice) comes back from circlue.repository.metric_imports with the same line numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from circlue.metrics import ENGAGEMENT_COUNTS, PLATFORMS, engagement_rate_text

# The seed's performance_metrics columns a file carries, in this order in the template.
HEADER = (
    "campaign_id", "influencer_id", "content_submission_id", "platform", "metric_date", "views", "likes", "comments",
    "shares", "saves", "engagement_rate", "click_through_rate", "conversion_rate", "sales_amount",
)
REQUIRED = ("campaign_id", "influencer_id", "platform", "metric_date")
COUNTS = ("views", "likes", "comments", "shares", "saves")
# Staging columns, in the order stage_line() writes them.
STAGE_COLUMNS = ("line", *HEADER)

INT_MAX = 2_147_483_647
SALES_MAX = Decimal("9999999999999.99")
EARLIEST = dt.date(2000, 1, 1)
# Names people write for the platforms (Chinese, Korean, English) -> the stored code.
PLATFORM_NAMES = {
    **{p: p for p in PLATFORMS},
    "抖音": "douyin", "도우인": "douyin", "tiktok china": "douyin",
    "小红书": "xiaohongshu", "샤오홍슈": "xiaohongshu", "red": "xiaohongshu", "rednote": "xiaohongshu",
    "微博": "weibo", "웨이보": "weibo",
    "哔哩哔哩": "bilibili", "b站": "bilibili", "빌리빌리": "bilibili",
}
# ASCII only: str.isdigit() and \d also take full-width and superscript digits, which neither int() nor COPY read.
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# 2026-03-01, 2026/03/01 or 2026.03.01, maybe with a midnight time as spreadsheets write dates.
_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{2})[-/.]([0-9]{2})(?:[ T]00:00(?::00)?)?")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_NUMBER_NOISE = str.maketrans("", "", ",₩ \u00a0")

MESSAGES = {
    "missing": "비어 있습니다 / is empty",
    "uuid": "ID 형식(UUID)이 아닙니다 / is not an id (UUID)",
    "platform": (
        "douyin, xiaohongshu, weibo, bilibili 중 하나여야 합니다 / must be douyin, xiaohongshu, weibo or bilibili"
    ),
    "date": "날짜(YYYY-MM-DD)가 아닙니다 / is not a date (YYYY-MM-DD)",
    "date_range": "2000-01-01부터 오늘까지의 날짜여야 합니다 / must be between 2000-01-01 and today",
    "count": "0 이상의 정수여야 합니다 / must be a whole number, 0 or more",
    "count_big": "너무 큽니다 (최대 2,147,483,647) / is too large (at most 2,147,483,647)",
    "percent": "0–100 사이의 백분율이어야 합니다 / must be a percentage from 0 to 100",
    "engagement": "0–999.99 사이의 백분율이어야 합니다 / must be a percentage from 0 to 999.99",
    "places": "소수점 이하 2자리까지입니다 / at most 2 decimal places",
    "money": "0 이상의 금액(원)이어야 합니다 / must be an amount in won, 0 or more",
    "unknown_campaign": "알 수 없는 캠페인입니다 / unknown campaign",
    "unknown_influencer": "알 수 없는 인플루언서입니다 / unknown influencer",
    "not_contracted": (
        "이 인플루언서는 이 캠페인에 계약(또는 완료) 상태로 초대되어 있지 않습니다 / "
        "this influencer has no contracted or completed invitation to this campaign"
    ),
    "foreign_submission": (
        "이 콘텐츠는 이 캠페인·인플루언서의 제출물이 아닙니다 / the submission is not this campaign's and influencer's"
    ),
    "duplicate": "{first}행과 같은 캠페인·인플루언서·플랫폼·날짜입니다 / the same key as line {first}",
    "extra": "머리글에 없는 열에 값이 있습니다 / a value outside the header's columns: {value}",
}


@dataclass(frozen=True)
class Problem:
    """Why one line of a file cannot be imported."""

    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.line}행 / line {self.line}: " + "; ".join(self.reasons)


def field_message(field: str, code: str, **values: Any) -> str:
    """`field: message` for a problem code (database codes as well as the checks here)."""
    text = MESSAGES[code].format(**values)
    return f"{field}: {text}" if field else text


def database_problem(line: int, code: str) -> Problem:
    """A problem the import functions reported (`duplicate:<first line>` or a code of MESSAGES)."""
    if code.startswith("duplicate:"):
        return Problem(line, (field_message("", "duplicate", first=code.split(":", 1)[1]),))
    field = {"unknown_campaign": "campaign_id", "unknown_influencer": "influencer_id",
             "foreign_submission": "content_submission_id"}.get(code, "")
    return Problem(line, (field_message(field, code),))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _uuid(value: str) -> str | None:
    if not _UUID.fullmatch(value):
        return None
    value = value.replace("-", "").lower()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(_text(value))
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _count(value: Any) -> int | str:
    """The count, or a problem code."""
    text = _text(value).translate(_NUMBER_NOISE)
    if not _DIGITS.fullmatch(text):
        return "count"
    number = int(text)
    return number if number <= INT_MAX else "count_big"


def _decimal(value: Any, *, high: Decimal, code: str) -> Decimal | str:
    text = _text(value).translate(_NUMBER_NOISE).rstrip("%")
    if isinstance(value, Decimal):
        text = str(value)
    elif not _NUMBER.fullmatch(text):
        return code
    try:
        number = Decimal(text)
    except InvalidOperation:
        return code
    if not number.is_finite() or number < 0 or number > high:
        return code
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        return "places"
    return number.quantize(Decimal("0.01"))


def _copy_text(value: object) -> str:
    return "\\N" if value is None else str(value)


# Fast paths for what files usually hold (canonical ids, plain numbers); anything else takes the careful path above.
_UUID36 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PLAIN_RATE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")
_PLAIN_MONEY = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,2})?")
_ID_FIELDS = ((0, "campaign_id", True), (1, "influencer_id", True), (2, "content_submission_id", False))
_RATE_FIELDS = (
    (10, "engagement_rate", Decimal("999.99"), "engagement"),
    (11, "click_through_rate", Decimal(100), "percent"),
    (12, "conversion_rate", Decimal(100), "percent"),
)


def check_row(line: int, row: Mapping[str, Any], *, today: dt.date) -> tuple[str, dt.date] | Problem:
    """check_cells() for a row given as {column: value}."""
    return check_cells(line, [row.get(name) for name in HEADER], today=today)


def check_cells(line: int, cells: list[Any], *, today: dt.date) -> tuple[str, dt.date] | Problem:
    """A good row (cells in HEADER order) as one COPY text line (tab-separated, in STAGE_COLUMNS order) with its date,
    or its Problem. An empty engagement rate is computed by circlue.metrics, by the platform's own rule.

    About 5 µs a row on the fast paths: a million-row file is checked while the server takes in the previous rows.
    """
    reasons: list[str] = []
    out: list[str] = [str(line)]
    for index, field, required in _ID_FIELDS:
        value = cells[index]
        if value.__class__ is str and _UUID36.fullmatch(value):
            out.append(value)
            continue
        text = "" if value == "" else _text(value)
        if not text:
            if required:
                reasons.append(field_message(field, "missing"))
            out.append("\\N")
        elif (canonical := _uuid(text)) is None:
            reasons.append(field_message(field, "uuid"))
        else:
            out.append(canonical)
    platform = PLATFORM_NAMES.get(cells[3]) if cells[3].__class__ is str else None
    text = cells[3] if platform else _text(cells[3])
    platform = platform or (PLATFORM_NAMES.get(text.lower()) if text else None)
    if not text:
        reasons.append(field_message("platform", "missing"))
    elif platform is None:
        reasons.append(field_message("platform", "platform"))
    out.append(platform or "")
    raw_day = cells[4]
    day = iso = None
    if raw_day.__class__ is str and _ISO_DAY.fullmatch(raw_day):
        try:
            day, iso = dt.date.fromisoformat(raw_day), raw_day
        except ValueError:
            day = None
    if day is None:
        day = _date(raw_day) if _text(raw_day) else None
        if not _text(raw_day):
            reasons.append(field_message("metric_date", "missing"))
        elif day is None:
            reasons.append(field_message("metric_date", "date"))
    if day is not None and not EARLIEST <= day <= today:
        reasons.append(field_message("metric_date", "date_range"))
    out.append(iso or (day.isoformat() if day is not None else ""))
    counts: list[int | None] = []
    for index in range(5, 10):
        value = cells[index]
        if value.__class__ is str and len(value) < 10 and value.isascii() and value.isdigit():
            out.append(value)
            counts.append(int(value))
            continue
        if not _text(value):
            out.append("\\N")
            counts.append(None)
            continue
        number = _count(value)
        if isinstance(number, str):
            reasons.append(field_message(HEADER[index], number))
            counts.append(None)
        else:
            out.append(str(number))
            counts.append(number)
    for index, field, high, code in _RATE_FIELDS:
        value = cells[index]
        if value == "":
            out.append("\\N")
            continue
        if value.__class__ is str and _PLAIN_RATE.fullmatch(value) and (high > 100 or float(value) <= 100):
            out.append(value)
            continue
        if not _text(value):
            out.append("\\N")
            continue
        number = _decimal(value, high=high, code=code)
        if isinstance(number, str):
            reasons.append(field_message(field, number))
        else:
            out.append(str(number))
    value = cells[13]
    if value.__class__ is str and _PLAIN_MONEY.fullmatch(value):
        out.append(value)
    elif not _text(value):
        out.append("\\N")
    else:
        number = _decimal(value, high=SALES_MAX, code="money")
        if isinstance(number, str):
            reasons.append(field_message("sales_amount", number))
        else:
            out.append(str(number))
    if len(cells) > len(HEADER):
        reasons.append(field_message("", "extra", value=repr(_text(cells[len(HEADER)])[:40])))
    if reasons:
        return Problem(line, tuple(reasons))
    # out: line, 3 ids, platform, date, 5 counts, 3 rates, sales -> the engagement rate is out[11]. Computed only
    # from counts the row gives: a file without, say, saves must not store a rate that pretends saves were 0.
    if out[11] == "\\N" and counts[0] and all(counts[COUNTS.index(n)] is not None for n in ENGAGEMENT_COUNTS[platform]):
        views, likes, comments, shares, saves = (c or 0 for c in counts)
        out[11] = engagement_rate_text(platform, views=views, likes=likes, comments=comments, shares=shares,
                                       saves=saves)
    return "\t".join(out) + "\n", day
