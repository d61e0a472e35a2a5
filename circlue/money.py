"""What a brand owes for a campaign, written once (pure): which fees count, the platform fee, won rounding, due dates.

The rule, as the settlements page states it: the agreed fees of the campaign's influencers (invitations accepted,
contracted or completed; for a cancelled campaign only contracted or completed, since nothing else was signed)
plus Circlue's platform fee at a configurable rate (CIRCLUE_PLATFORM_FEE_RATE, default 15 %). Every amount is
rounded to the won by truncation (원 미만 절사), the same rule the VAT of a tax invoice follows (circlue.korea).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

WON = Decimal("1")
# The one rounding rule for money: truncate below the won, toward zero (so an amending invoice of -X carries
# exactly the negative VAT of X). Korean tax invoices truncate VAT the same way.
WON_ROUNDING = ROUND_DOWN
DEFAULT_PLATFORM_FEE_RATE = Decimal("0.15")
# Invitations whose agreed fee (ad_fee) a settlement bills: accepted, contracted, completed; once a campaign is
# cancelled, only what was signed.
BILLABLE = ("accepted", "contracted", "completed")
BILLABLE_IF_CANCELLED = ("contracted", "completed")
# A settlement falls due this many days after the campaign ends (or after it is opened, if later).
DUE_DAYS = 30


# NUMERIC(15,2): the largest whole-won amount a money column holds is below this.
MAX_WON = Decimal("1e13")


def to_won(amount: Decimal) -> Decimal:
    """`amount` rounded to the won by the one rule (truncation toward zero)."""
    return Decimal(amount).quantize(WON, rounding=WON_ROUNDING)


def parse_rate(value: str | Decimal | None) -> Decimal:
    """A platform fee rate from a setting: `0.15`, `15%` or `15 %`; between 0 and 1, at most 4 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_PLATFORM_FEE_RATE
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        rate = Decimal(text[:-1].strip() if percent else text) / (100 if percent else 1)
    except InvalidOperation:
        raise ValueError(f"platform fee rate must be a number like 0.15 or 15%, not {text!r}") from None
    if not Decimal(0) <= rate < Decimal(1) or rate != rate.quantize(Decimal("0.0001")):
        raise ValueError(f"platform fee rate must be at least 0 and below 1, with at most 4 decimals: {text!r}")
    return rate.quantize(Decimal("0.0001"))


def billable_statuses(campaign_status: str) -> tuple[str, ...]:
    """The invitation statuses whose agreed fees a campaign in `campaign_status` settles."""
    return BILLABLE_IF_CANCELLED if campaign_status == "cancelled" else BILLABLE


@dataclass(frozen=True)
class SettlementFigures:
    """A settlement's amount and how it is made up: fees + platform fee (at `rate`) = amount."""

    influencer_fees: Decimal
    platform_fee_rate: Decimal
    platform_fee: Decimal
    amount: Decimal

    @property
    def rate_percent(self) -> str:
        """The rate as people read it: 15%, 12.5%."""
        return f"{(self.platform_fee_rate * 100).normalize():f}%"


def settlement_figures(influencer_fees: Decimal, rate: Decimal) -> SettlementFigures:
    """Fees plus the platform fee at `rate`, each rounded to the won by the one rule."""
    fees = to_won(influencer_fees)
    if fees < 0:
        raise ValueError("influencer fees cannot be negative")
    platform_fee = to_won(fees * rate)
    return SettlementFigures(fees, rate, platform_fee, fees + platform_fee)


def due_date_for(campaign_end: dt.date, opened_on: dt.date) -> dt.date:
    """When a settlement falls due: DUE_DAYS after the campaign ends, or after it is opened if that is later."""
    return max(campaign_end, opened_on) + dt.timedelta(days=DUE_DAYS)


def end_of_month(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# Aging of what is invoiced and unpaid, by days since the invoice was issued.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


def aging_bucket(days: int) -> str:
    """The bucket a receivable `days` old falls in (a future date counts as 0)."""
    days = max(days, 0)
    for name, low, high in AGING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    raise AssertionError("the buckets cover every age")


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice's net total (after its amending invoices) and its issue date, for aging."""

    issued_date: dt.date
    total: Decimal


def outstanding_by_invoice(invoices: list[OpenInvoice], paid: Decimal) -> list[tuple[OpenInvoice, Decimal]]:
    """What is left unpaid of each invoice when payments settle the oldest invoices first (FIFO)."""
    left = Decimal(paid)
    result = []
    for invoice in sorted(invoices, key=lambda i: i.issued_date):
        applied = min(max(left, Decimal(0)), max(invoice.total, Decimal(0)))
        left -= applied
        result.append((invoice, invoice.total - applied))
    return result


def aging(invoices: list[OpenInvoice], paid: Decimal, today: dt.date) -> dict[str, Decimal]:
    """Unpaid invoice totals per aging bucket (FIFO: payments settle the oldest invoices first)."""
    buckets = {name: Decimal(0) for name, _low, _high in AGING_BUCKETS}
    for invoice, unpaid in outstanding_by_invoice(invoices, paid):
        if unpaid > 0:
            buckets[aging_bucket((today - invoice.issued_date).days)] += unpaid
    return buckets
