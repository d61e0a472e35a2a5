"""Checks for text people type: no NUL or other control characters, trimmed, within a length (pure)."""

from __future__ import annotations

import re

from circlue.errors import ValidationError

# C0 controls except tab and newline, DEL, and C1 controls: PostgreSQL refuses NUL, and the rest only hide text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
    strip: bool = True,
) -> str:
    """The text stripped (unless strip=False), or ValidationError naming the field if it holds control characters,
    is empty when required, or is longer than max_length."""
    text = value or ""
    if strip:
        text = text.strip()
    if text and (_CONTROL if multiline else _CONTROL_ONE_LINE).search(text):
        raise ValidationError(
            f"{field}: 제어 문자(NUL 등)는 쓸 수 없습니다 / control characters (such as NUL) are not allowed"
        )
    if required and not text:
        raise ValidationError(f"{field}: 비워 둘 수 없습니다 / may not be empty")
    if len(text) > max_length:
        raise ValidationError(f"{field}: {max_length}자 이하여야 합니다 / must be {max_length} characters or fewer")
    return text
