"""The settlements page's figures: outstanding, overdue and aging, totals per brand and month, and the page's reads
in one call. RLS limits a brand user to its own brands' settlements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Date, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from circlue.korea import SEOUL, today_seoul
from circlue.models import Brand, Payment, Settlement, TaxInvoice
from circlue.money import OpenInvoice, aging
from circlue.repository.settlements import (
    CampaignToSettle,
    SettlementFilter,
    SettlementRow,
    campaigns_to_settle,
    kept_by,
    list_settlements,
    mark_overdue,
)


@dataclass(frozen=True)
class Summary:
    """The figures at the top of the page, over every settlement the filter keeps."""

    settlements: int
    amount: Decimal
    invoiced_total: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    overdue_count: int
    to_invoice: Decimal
    received_this_month: Decimal
    aging: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class MonthTotal:
    """One brand's month: settlements opened, invoices issued (supply, VAT, total) and money received."""

    month: dt.date
    brand: str
    opened: Decimal
    invoiced_amount: Decimal
    invoiced_tax: Decimal
    invoiced_total: Decimal
    paid: Decimal


def summary(session: Session, *, filters: SettlementFilter | None = None, today: dt.date | None = None) -> Summary:
    """Totals, outstanding and overdue amounts and the aging of what is invoiced and unpaid, in two queries."""
    filters = filters or SettlementFilter()
    today = today or today_seoul()
    kept = kept_by(filters)
    outstanding = Settlement.invoiced_total - Settlement.paid_amount
    # Seoul's month, as an instant: compared as stored, so no function runs per payment.
    month_start = dt.datetime.combine(today.replace(day=1), dt.time(0), SEOUL)
    totals = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Settlement.amount), 0),
            func.coalesce(func.sum(Settlement.invoiced_total), 0),
            func.coalesce(func.sum(Settlement.paid_amount), 0),
            func.coalesce(func.sum(outstanding), 0),
            func.coalesce(func.sum(outstanding).filter(Settlement.status == "overdue"), 0),
            func.count().filter(Settlement.status == "overdue"),
            func.coalesce(func.sum(Settlement.amount - Settlement.invoiced_amount), 0),
            select(func.coalesce(func.sum(Payment.paid_amount), 0))
            .join(Settlement, Settlement.id == Payment.settlement_id)
            .where(kept, Payment.paid_at >= month_start)
            .scalar_subquery(),
        ).where(kept)
    ).one()
    # Aging: each original invoice's net total (its amending invoices included), dated by the original; payments
    # settle the oldest first. Only settlements with something unpaid are read.
    original = func.coalesce(TaxInvoice.amends_invoice_id, TaxInvoice.id)
    rows = session.execute(
        select(TaxInvoice.settlement_id, Settlement.paid_amount, func.min(TaxInvoice.issued_date),
               func.sum(TaxInvoice.total_amount))
        .join(Settlement, Settlement.id == TaxInvoice.settlement_id)
        .where(kept, Settlement.invoiced_total > Settlement.paid_amount)
        .group_by(TaxInvoice.settlement_id, Settlement.paid_amount, original)
    ).all()
    per_settlement: dict[uuid.UUID, tuple[Decimal, list[OpenInvoice]]] = {}
    for settlement_id, paid, issued, total in rows:
        per_settlement.setdefault(settlement_id, (paid, []))[1].append(OpenInvoice(issued, total))
    buckets: dict[str, Decimal] = {}
    for paid, invoices in per_settlement.values():
        for name, value in aging(invoices, paid, today).items():
            buckets[name] = buckets.get(name, Decimal(0)) + value
    if not buckets:
        buckets = aging([], Decimal(0), today)
    count, amount, invoiced, paid, unpaid, overdue, overdue_count, to_invoice, received = totals
    return Summary(
        settlements=count, amount=amount, invoiced_total=invoiced, paid=paid, outstanding=unpaid, overdue=overdue,
        overdue_count=overdue_count, to_invoice=to_invoice, received_this_month=received, aging=buckets,
    )


def monthly_totals(session: Session, *, filters: SettlementFilter | None = None) -> list[MonthTotal]:
    """Per brand and month: amounts of settlements opened, invoices issued and payments received (Seoul months)."""
    filters = filters or SettlementFilter()
    kept = kept_by(filters)
    zero = literal(Decimal(0))

    def month(column):  # noqa: ANN001, ANN202 - a column in, an expression out
        return cast(func.date_trunc("month", column), Date)

    events = union_all(
        select(
            Settlement.brand_id.label("brand_id"), month(func.timezone("Asia/Seoul", Settlement.created_at)).label("m"),
            Settlement.amount.label("opened"), zero.label("supply"), zero.label("tax"), zero.label("total"),
            zero.label("paid"),
        ).where(kept),
        select(
            Settlement.brand_id, month(TaxInvoice.issued_date), zero, TaxInvoice.amount, TaxInvoice.tax_amount,
            TaxInvoice.total_amount, zero,
        )
        .join(Settlement, Settlement.id == TaxInvoice.settlement_id)
        .where(kept),
        select(
            Settlement.brand_id, month(func.timezone("Asia/Seoul", Payment.paid_at)), zero, zero, zero, zero,
            Payment.paid_amount,
        )
        .join(Settlement, Settlement.id == Payment.settlement_id)
        .where(kept),
    ).subquery()
    rows = session.execute(
        select(
            events.c.m, Brand.name, func.sum(events.c.opened), func.sum(events.c.supply), func.sum(events.c.tax),
            func.sum(events.c.total), func.sum(events.c.paid),
        )
        .join(Brand, Brand.id == events.c.brand_id)
        .group_by(events.c.m, Brand.name)
        .order_by(events.c.m.desc(), Brand.name)
    ).all()
    return [MonthTotal(*r) for r in rows]


@dataclass(frozen=True)
class Overview:
    """What the settlements page shows above the detail: figures, a page of the list, monthly totals, filters."""

    summary: Summary
    rows: list[SettlementRow]
    monthly: list[MonthTotal]
    brands: list[tuple[uuid.UUID, str]]
    to_settle: list[CampaignToSettle]


def overview(
    session: Session,
    *,
    filters: SettlementFilter,
    after: tuple[dt.date, uuid.UUID] | None = None,
    limit: int = 100,
    today: dt.date | None = None,
    rate: Decimal | None = None,
) -> Overview:
    """The page's reads in one transaction, after the calendar has moved what is late to overdue.

    `rate` (admins only) also lists the committed campaigns still without a settlement.
    """
    mark_overdue(session)
    brands = [(r.id, r.name) for r in session.execute(select(Brand.id, Brand.name).order_by(Brand.name)).all()]
    return Overview(
        summary=summary(session, filters=filters, today=today),
        rows=list_settlements(session, filters=filters, after=after, limit=limit),
        monthly=monthly_totals(session, filters=filters),
        brands=brands,
        to_settle=campaigns_to_settle(session, rate=rate) if rate is not None else [],
    )
