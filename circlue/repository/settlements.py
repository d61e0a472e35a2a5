"""Settlements with their invoices and payments."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from circlue.models import Brand, Campaign, Payment, Settlement, TaxInvoice


@dataclass(frozen=True)
class SettlementRow:
    """A settlement with its invoice number and what has been paid."""

    id: uuid.UUID
    brand: str
    campaign: str
    amount: Decimal
    status: str
    due_date: dt.date | None
    invoice_number: str | None
    invoice_total: Decimal | None
    paid: Decimal


def list_settlements(session: Session, *, status: str | None = None, limit: int = 200) -> list[SettlementRow]:
    """Settlements by due date; RLS limits brand users to their own brands."""
    paid = (
        select(Payment.settlement_id, func.sum(Payment.paid_amount).label("paid"))
        .group_by(Payment.settlement_id)
        .subquery()
    )
    invoice = (
        select(TaxInvoice.settlement_id, TaxInvoice.invoice_number, TaxInvoice.total_amount)
        .ext(distinct_on(TaxInvoice.settlement_id))
        .order_by(TaxInvoice.settlement_id, TaxInvoice.issued_date.desc())
        .subquery()
    )
    stmt = (
        select(
            Settlement.id,
            Brand.name,
            Campaign.title,
            Settlement.amount,
            Settlement.status,
            Settlement.due_date,
            invoice.c.invoice_number,
            invoice.c.total_amount,
            func.coalesce(paid.c.paid, 0),
        )
        .join(Brand, Brand.id == Settlement.brand_id)
        .join(Campaign, Campaign.id == Settlement.campaign_id)
        .outerjoin(invoice, invoice.c.settlement_id == Settlement.id)
        .outerjoin(paid, paid.c.settlement_id == Settlement.id)
        .order_by(Settlement.due_date.asc().nulls_last(), Settlement.id)
        .limit(limit)
    )
    if status:
        stmt = stmt.where(Settlement.status == status)
    return [SettlementRow(*r) for r in session.execute(stmt).all()]
