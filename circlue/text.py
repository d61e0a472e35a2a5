"""Checks for text people type: no control, invisible or direction characters, trimmed, within a length (pure)."""

from __future__ import annotations

import unicodedata

from circlue.errors import ValidationError

_ZERO_WIDTH_JOINER = "\u200d"  # joins emoji sequences (👩‍💻); the other format characters only hide or reorder text


def _refused(char: str, multiline: bool) -> bool:
    if char in "\n\t" and multiline:
        return False
    category = unicodedata.category(char)
    # Cc control (NUL …), Cs lone surrogates, Zl/Zp line and paragraph separators, Cf format characters: zero-width
    # space, byte-order mark, right-to-left override (an admin named "ad\u200bmin" looks like "admin").
    return category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and char != _ZERO_WIDTH_JOINER)


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
    strip: bool = True,
) -> str:
    """The text stripped (unless strip=False), or ValidationError naming the field if it holds control, invisible or
    direction characters, is empty when required, or is longer than max_length."""
    text = value or ""
    if strip:
        text = text.strip()
    if any(_refused(char, multiline) for char in text):
        raise ValidationError(
            f"{field}: 제어 문자나 보이지 않는 문자(NUL, 방향 전환 등)는 쓸 수 없습니다 / "
            "control characters and invisible or direction characters (such as NUL) are not allowed"
        )
    if required and not text:
        raise ValidationError(f"{field}: 비워 둘 수 없습니다 / may not be empty")
    if len(text) > max_length:
        raise ValidationError(f"{field}: {max_length}자 이하여야 합니다 / must be {max_length} characters or fewer")
    return text
