"""Korean business rules: business registration numbers, VAT, and KRW amounts (pure)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

from circlue.errors import ValidationError
from circlue.money import to_won

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
VAT_RATE = Decimal("0.10")
# The business day is Seoul's, whatever the server's clock says.
SEOUL = ZoneInfo("Asia/Seoul")


def today_seoul() -> dt.date:
    """Today's date in Seoul, where the business day is counted."""
    return dt.datetime.now(SEOUL).date()


def brn_check_digit(first_nine: str) -> int:
    """Check digit of a 사업자등록번호 from its first nine digits (National Tax Service rule)."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def format_brn(digits: str) -> str:
    """Format ten digits as XXX-XX-XXXXX."""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def validate_brn(value: str) -> str:
    """Return the number as XXX-XX-XXXXX, or raise ValidationError if its shape or check digit is wrong.

    Full-width digits (as a Korean IME may type them) count as digits; other scripts' digits do not.
    """
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError(
            "사업자등록번호는 XXX-XX-XXXXX 형식의 10자리 숫자입니다 / "
            "business registration number must be 10 digits, XXX-XX-XXXXX"
        )
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "사업자등록번호의 검증 숫자가 맞지 않습니다 / business registration number check digit is wrong"
        )
    return format_brn(digits)


def vat_for(supply_amount: Decimal) -> tuple[Decimal, Decimal]:
    """VAT (10 %) and total for a supply amount, by the one won rule (circlue.money.to_won: truncation toward
    zero, so an amending invoice's negative amount carries exactly the negative VAT)."""
    tax = to_won(Decimal(supply_amount) * VAT_RATE)
    return tax, supply_amount + tax


def amendment_vat(left_supply: Decimal, left_tax: Decimal, change: Decimal) -> tuple[Decimal, Decimal]:
    """VAT and total of an amending invoice changing an invoice's supply by `change` (negative), when `left_supply`
    and `left_tax` are what the invoice still stands for: the VAT of what is left after, minus the VAT left now.

    Truncating each amendment's own VAT would leave won-sized remainders: ₩1,000,000 cancelled as -500,005 and
    -499,995 would still owe ₩1 of VAT on no supply.
    """
    tax = vat_for(left_supply + change)[0] - left_tax
    return tax, change + tax


def format_krw(amount: Decimal | int | None) -> str:
    """Show an amount as ₩1,234,000 (no decimals: the won has no minor unit in use)."""
    if amount is None:
        return "—"
    value = to_won(Decimal(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}₩{abs(value):,.0f}"
