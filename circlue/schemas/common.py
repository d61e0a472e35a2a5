"""Field types and error handling shared by every input schema; messages are Korean / English."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from circlue.errors import ValidationError
from circlue.money import MAX_WON
from circlue.text import clean_text

T = TypeVar("T", bound=BaseModel)

# pydantic's own error types, said so a person can act on them.
_MESSAGES: dict[str, str] = {
    "missing": "필수 항목입니다 / required",
    "string_type": "글자로 입력하세요 / enter text",
    "string_too_long": "{max_length}자 이하여야 합니다 / must be {max_length} characters or fewer",
    "string_too_short": "비워 둘 수 없습니다 / may not be empty",
    "too_short": "비워 둘 수 없습니다 / may not be empty",
    "too_long": "{max_length}자(개) 이하여야 합니다 / at most {max_length} characters or items",
    "greater_than": "{gt}보다 커야 합니다 / must be greater than {gt}",
    "greater_than_equal": "{ge} 이상이어야 합니다 / must be {ge} or more",
    "less_than_equal": "{le} 이하여야 합니다 / must be {le} or less",
    "decimal_parsing": "숫자로 입력하세요 / enter a number",
    "decimal_type": "숫자로 입력하세요 / enter a number",
    "decimal_max_places": "소수점 이하 {decimal_places}자리까지입니다 / at most {decimal_places} decimal places",
    "int_parsing": "정수로 입력하세요 / enter a whole number",
    "int_type": "정수로 입력하세요 / enter a whole number",
    "date_parsing": "날짜(YYYY-MM-DD)로 입력하세요 / enter a date (YYYY-MM-DD)",
    "date_type": "날짜(YYYY-MM-DD)로 입력하세요 / enter a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "날짜(YYYY-MM-DD)로 입력하세요 / enter a date (YYYY-MM-DD)",
    "literal_error": "다음 중 하나여야 합니다: {expected} / must be one of {expected}",
    "bool_parsing": "예/아니오로 입력하세요 / enter yes or no",
    "uuid_parsing": "선택 항목이 올바르지 않습니다 / not a valid choice",
    "uuid_type": "선택 항목이 올바르지 않습니다 / not a valid choice",
    "extra_forbidden": "알 수 없는 항목입니다 / unknown field",
}


def _error_text(error: dict[str, Any]) -> str:
    """One pydantic error as a message: our validators' own text, or a translation of pydantic's."""
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if error["type"] in ("too_short", "string_too_short") and error.get("ctx", {}).get("min_length", 1) > 1:
        return "{min_length}자(개) 이상이어야 합니다 / at least {min_length} characters or items".format(**error["ctx"])
    template = _MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return error["msg"]


def parse(model: type[T], labels: dict[str, str] | None = None, **values: Any) -> T:
    """Build `model` from form values, or raise ValidationError with one message per bad field.

    `labels` names the fields as the form shows them (Korean / English), so the message points at what to fix.
    """
    try:
        return model(**values)
    except pydantic.ValidationError as exc:
        labels = labels or {}
        fields: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "__all__"
            fields.setdefault(field, _error_text(error))
        message = " · ".join(
            f"{labels.get(field, field)}: {text}" if field != "__all__" else text for field, text in fields.items()
        )
        raise ValidationError(message, fields=fields) from None


class Input(BaseModel):
    """Base of every input schema: immutable, no unknown fields, strings trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _empty_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


_CONTROL_CHARACTERS = (
    "제어 문자나 보이지 않는 문자(NUL, 방향 전환 등)는 쓸 수 없습니다 / "
    "control characters and invisible or direction characters (such as NUL) are not allowed"
)


def _no_controls(value: str | None) -> str | None:
    if value is None:
        return None
    # clean_text raises our ValidationError; pydantic wants ValueError to attribute it to the field.
    try:
        return clean_text(value, field="", max_length=1_000_000, multiline=True)
    except ValidationError:
        raise ValueError(_CONTROL_CHARACTERS) from None


def _one_line(value: str | None) -> str | None:
    if value is not None and re.search(r"[\r\n]", value):
        raise ValueError("한 줄로 입력하세요 / enter a single line")
    return value


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise ValueError("http:// 또는 https:// 로 시작하는 주소여야 합니다 / must be an http(s) address")
    return value


def _age_range(value: str | None) -> str | None:
    if value is None:
        return None
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value)
    if not match:
        raise ValueError("나이대는 20-29 처럼 NN-NN 형식입니다 / age range must look like 20-29")
    low, high = int(match[1]), int(match[2])
    if low > high:
        raise ValueError("나이대의 앞 숫자가 뒤 숫자보다 클 수 없습니다 / the first age must not exceed the second")
    return f"{low}-{high}"


def _whole_won(value: Decimal | None) -> Decimal | None:
    if value is not None and value != value.to_integral_value():
        raise ValueError("원 단위(소수 없이)로 입력하세요 / enter whole won (no decimals)")
    return value


def optional_text(max_length: int, *, one_line: bool = False) -> Any:
    """Free text of at most `max_length` characters, blank meaning none; control characters refused.

    The length sits on the str branch of the union: `Field(max_length=...)` put on top of a nullable type with
    validators is checked after them, on None too, and pydantic then raises TypeError instead of an error message.
    """
    checks = [AfterValidator(_no_controls), *([AfterValidator(_one_line)] if one_line else [])]
    text = Annotated[str, pydantic.Field(max_length=max_length), *checks]
    return Annotated[text | None, BeforeValidator(_empty_to_none)]


OptionalText = optional_text(1_000_000)
"""Free text, blank meaning none; control characters refused. For a length use optional_text(n), not Field()."""

RequiredLine = Annotated[str, AfterValidator(_no_controls), AfterValidator(_one_line), pydantic.Field(min_length=1)]
"""A required single line (a name, a title): not blank after trimming."""


def required_line(max_length: int) -> Any:
    """A required single line of at most `max_length` characters (the message says characters, not items)."""
    length = pydantic.Field(min_length=1, max_length=max_length)
    return Annotated[str, length, AfterValidator(_no_controls), AfterValidator(_one_line)]

HttpUrl = Annotated[
    Annotated[str, pydantic.Field(max_length=255), AfterValidator(_no_controls), AfterValidator(_http_url)] | None,
    BeforeValidator(_empty_to_none),
]
"""An http(s) address of at most 255 characters, or nothing."""

AgeRange = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(_age_range)]
"""`20-29`: two ages, the first not above the second."""

Won = Annotated[Decimal, pydantic.Field(ge=0, lt=MAX_WON), AfterValidator(_whole_won)]
"""An amount in KRW: whole won, not negative, within NUMERIC(15, 2)."""
