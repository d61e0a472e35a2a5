"""What staff may type as an influencer's personal data: real name, phone and WeChat id (encrypted at rest)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from circlue.schemas.common import Input, _empty_to_none, optional_text


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    digits = re.sub(r"\D", "", value)
    if not re.fullmatch(r"\+?[\d ()\-.]+", value) or not 6 <= len(digits) <= 15:
        raise ValueError(
            "전화번호는 숫자 6~15자리입니다 (+, 공백, -, 괄호 가능) / "
            "a phone number has 6 to 15 digits (+, spaces, - and brackets allowed)"
        )
    return value


def _wechat_id(value: str | None) -> str | None:
    if value is None:
        return None
    # WeChat's own rule for chosen ids is 6-20 characters; ids it assigned (wxid_...) run longer.
    if not re.fullmatch(r"[A-Za-z][-_A-Za-z0-9]{5,39}", value):
        raise ValueError(
            "위챗 ID는 영문자로 시작하는 6~40자 (영문, 숫자, _, -)입니다 / "
            "a WeChat id is 6 to 40 letters, digits, _ or -, starting with a letter"
        )
    return value


Phone = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(_phone)]
WeChatId = Annotated[str | None, BeforeValidator(_empty_to_none), AfterValidator(_wechat_id)]


class ContactInput(Input):
    """An influencer's real name, phone and WeChat id; each may be left blank (none)."""

    real_name: optional_text(100, one_line=True) = None
    phone: Phone = None
    wechat_id: WeChatId = None


CONTACT_LABELS = {"real_name": "실명 / real name", "phone": "전화 / phone", "wechat_id": "위챗 ID / WeChat id"}
