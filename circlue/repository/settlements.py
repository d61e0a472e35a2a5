"""Settlements: the list, one settlement with its invoices and payments, and what admins do to a settlement (open,
recalculate, move the due date, close). The page's figures (outstanding, overdue, aging, per brand and month) are in
circlue.repository.settlement_overview.

Invoices are issued in circlue.repository.invoices, payments recorded in circlue.repository.payments. RLS limits a
brand user to its own brands' rows; the database derives every status (migration 0014).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal, select, true, tuple_
from sqlalchemy.orm import Session, aliased

from circlue.errors import NotFound, ValidationError
from circlue.korea import format_krw, today_seoul
from circlue.models import Brand, Campaign, CampaignInfluencer, Payment, Settlement, TaxInvoice
from circlue.money import (
    BILLABLE,
    BILLABLE_IF_CANCELLED,
    SettlementFigures,
    due_date_for,
    settlement_figures,
)
from circlue.repository.refusals import refusals
from circlue.text import clean_text
from circlue.workflow import CAMPAIGN_COMMITTED, SETTLEMENT_STATUSES, check_settlement_transition


@dataclass(frozen=True)
class SettlementRow:
    """A settlement as the list shows it: what is owed, invoiced and paid."""

    id: uuid.UUID
    campaign_id: uuid.UUID
    campaign: str
    campaign_status: str
    brand_id: uuid.UUID
    brand: str
    amount: Decimal
    influencer_fees: Decimal | None
    platform_fee_rate: Decimal | None
    platform_fee: Decimal | None
    invoiced_amount: Decimal
    invoiced_tax: Decimal
    invoiced_total: Decimal
    paid_amount: Decimal
    status: str
    due_date: dt.date | None
    created_at: dt.datetime | None
    completed_at: dt.datetime | None
    invoices: int
    last_invoice: str | None

    @property
    def outstanding(self) -> Decimal:
        """Invoiced and not yet paid (VAT included)."""
        return self.invoiced_total - self.paid_amount

    @property
    def to_invoice(self) -> Decimal:
        """Supply amount not invoiced yet."""
        return self.amount - self.invoiced_amount

    @property
    def figures(self) -> SettlementFigures | None:
        """How the amount is made up, for settlements opened since the breakdown is kept."""
        if self.influencer_fees is None or self.platform_fee is None or self.platform_fee_rate is None:
            return None
        return SettlementFigures(self.influencer_fees, self.platform_fee_rate, self.platform_fee, self.amount)


@dataclass(frozen=True)
class SettlementFilter:
    """What the list is narrowed to: brand, statuses, due dates, words of the campaign title."""

    brand_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    query: str | None = None


@dataclass(frozen=True)
class InvoiceRow:
    """An issued tax invoice (or an amending one, with the number it amends)."""

    id: uuid.UUID
    settlement_id: uuid.UUID
    invoice_number: str
    issued_date: dt.date
    amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    business_number: str | None
    company_name: str | None
    ceo_name: str | None
    address: str | None
    business_type: str | None
    business_item: str | None
    file_url: str | None
    amends_invoice_id: uuid.UUID | None
    amends_number: str | None
    amendment_reason: str | None
    created_at: dt.datetime | None


@dataclass(frozen=True)
class PaymentRow:
    """Money received: method, transaction id, amount, when, receipt."""

    id: uuid.UUID
    settlement_id: uuid.UUID
    payment_method: str | None
    transaction_id: str | None
    paid_amount: Decimal
    paid_at: dt.datetime
    receipt_url: str | None
    created_at: dt.datetime | None


@dataclass(frozen=True)
class SettlementDetail:
    """One settlement with its invoices and payments, and the amount the rule gives today."""

    settlement: SettlementRow
    invoices: list[InvoiceRow]
    payments: list[PaymentRow]
    rule_now: SettlementFigures | None


@dataclass(frozen=True)
class CampaignToSettle:
    """A committed campaign with no settlement yet, and what the rule would bill it."""

    campaign_id: uuid.UUID
    campaign: str
    campaign_status: str
    brand: str
    campaign_end_date: dt.date
    figures: SettlementFigures


def _rows_query():  # noqa: ANN202 - a Select
    # Per settlement, not per table: a page of 100 looks up its invoices by index (RLS applies inside too), once.
    invoices = (
        select(func.count().label("n"), func.max(TaxInvoice.invoice_number).label("last"))
        .where(TaxInvoice.settlement_id == Settlement.id)
        .lateral()
    )
    return (
        select(
            Settlement.id,
            Settlement.campaign_id,
            Campaign.title,
            Campaign.status,
            Settlement.brand_id,
            Brand.name,
            Settlement.amount,
            Settlement.influencer_fees,
            Settlement.platform_fee_rate,
            Settlement.platform_fee,
            Settlement.invoiced_amount,
            Settlement.invoiced_tax,
            Settlement.invoiced_total,
            Settlement.paid_amount,
            Settlement.status,
            Settlement.due_date,
            Settlement.created_at,
            Settlement.completed_at,
            invoices.c.n,
            invoices.c.last,
        )
        .join(Brand, Brand.id == Settlement.brand_id)
        .join(Campaign, Campaign.id == Settlement.campaign_id)
        .join(invoices, literal(True))
    )


def _filtered(query, filters: SettlementFilter):  # noqa: ANN001, ANN202 - a Select in, a Select out
    if filters.brand_id:
        query = query.where(Settlement.brand_id == filters.brand_id)
    if filters.statuses:
        unknown = set(filters.statuses) - set(SETTLEMENT_STATUSES)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValidationError(f"알 수 없는 정산 상태입니다 / unknown settlement status: {names}")
        query = query.where(Settlement.status.in_(filters.statuses))
    if filters.due_from:
        query = query.where(Settlement.due_date >= filters.due_from)
    if filters.due_to:
        query = query.where(Settlement.due_date <= filters.due_to)
    words = clean_text(filters.query, field="캠페인 검색 / campaign search", max_length=200)
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Campaign.title.ilike(pattern, escape="\\"))
    return query


def kept_by(filters: SettlementFilter):  # noqa: ANN202 - a SQL condition on Settlement.id
    """Settlement.id IN (what the filter keeps), or true when it keeps everything RLS lets through."""
    if filters == SettlementFilter():
        return true()
    query = select(Settlement.id)
    if filters.query and filters.query.strip():
        query = query.join(Campaign, Campaign.id == Settlement.campaign_id)
    # Not correlated: the statement around it reads settlements too.
    return Settlement.id.in_(_filtered(query, filters).correlate(None))


def list_settlements(
    session: Session,
    *,
    filters: SettlementFilter | None = None,
    status: str | None = None,
    after: tuple[dt.date, uuid.UUID] | None = None,
    limit: int = 200,
) -> list[SettlementRow]:
    """Settlements by due date (keyset-paginated by due date and id); RLS limits brand users to their own."""
    filters = filters or SettlementFilter(statuses=(status,) if status else ())
    query = _filtered(_rows_query(), filters).order_by(Settlement.due_date, Settlement.id)
    if after:
        query = query.where(tuple_(Settlement.due_date, Settlement.id) > tuple_(*after))
    return [SettlementRow(*r) for r in session.execute(query.limit(min(max(limit, 1), 5000))).all()]


def _invoice_rows(session: Session, settlement_ids: list[uuid.UUID]) -> list[InvoiceRow]:
    # The amended original by its key (a subquery of every invoice would be read whole under RLS).
    original = aliased(TaxInvoice)
    rows = session.execute(
        select(
            TaxInvoice.id, TaxInvoice.settlement_id, TaxInvoice.invoice_number, TaxInvoice.issued_date,
            TaxInvoice.amount, TaxInvoice.tax_amount, TaxInvoice.total_amount, TaxInvoice.business_number,
            TaxInvoice.company_name, TaxInvoice.ceo_name, TaxInvoice.address, TaxInvoice.business_type,
            TaxInvoice.business_item, TaxInvoice.file_url, TaxInvoice.amends_invoice_id, original.invoice_number,
            TaxInvoice.amendment_reason, TaxInvoice.created_at,
        )
        .outerjoin(original, original.id == TaxInvoice.amends_invoice_id)
        .where(TaxInvoice.settlement_id.in_(settlement_ids))
        .order_by(TaxInvoice.invoice_number)
    ).all()
    return [InvoiceRow(*r) for r in rows]


def _payment_rows(session: Session, settlement_ids: list[uuid.UUID]) -> list[PaymentRow]:
    rows = session.execute(
        select(
            Payment.id, Payment.settlement_id, Payment.payment_method, Payment.transaction_id, Payment.paid_amount,
            Payment.paid_at, Payment.receipt_url, Payment.created_at,
        )
        .where(Payment.settlement_id.in_(settlement_ids))
        .order_by(Payment.paid_at, Payment.id)
    ).all()
    return [PaymentRow(*r) for r in rows]


def billable_fees(session: Session, *, campaign_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    """The agreed fees each campaign settles by the rule (circlue.money.billable_statuses), in one query."""
    counts = case(
        (Campaign.status == "cancelled", CampaignInfluencer.status.in_(BILLABLE_IF_CANCELLED)),
        else_=CampaignInfluencer.status.in_(BILLABLE),
    )
    rows = session.execute(
        select(Campaign.id, func.coalesce(func.sum(CampaignInfluencer.ad_fee).filter(counts), 0))
        .outerjoin(CampaignInfluencer, CampaignInfluencer.campaign_id == Campaign.id)
        .where(Campaign.id.in_(campaign_ids))
        .group_by(Campaign.id)
    ).all()
    return {campaign_id: Decimal(fees) for campaign_id, fees in rows}


def get_settlement(session: Session, *, settlement_id: uuid.UUID, rate: Decimal | None = None) -> SettlementDetail:
    """One settlement with its invoices and payments; `rule_now` is what the rule gives for the campaign today
    (at the settlement's own rate, or `rate` for one opened before rates were kept)."""
    row = session.execute(_rows_query().where(Settlement.id == settlement_id)).first()
    if row is None:
        raise NotFound("정산을 찾을 수 없습니다 / settlement not found")
    settlement = SettlementRow(*row)
    fees = billable_fees(session, campaign_ids=[settlement.campaign_id]).get(settlement.campaign_id)
    use_rate = settlement.platform_fee_rate if settlement.platform_fee_rate is not None else rate
    rule_now = settlement_figures(fees, use_rate) if fees is not None and use_rate is not None else None
    return SettlementDetail(
        settlement=settlement,
        invoices=_invoice_rows(session, [settlement_id]),
        payments=_payment_rows(session, [settlement_id]),
        rule_now=rule_now,
    )


def export_rows(
    session: Session, *, filters: SettlementFilter | None = None
) -> tuple[list[SettlementRow], list[InvoiceRow], list[PaymentRow]]:
    """Everything the filter keeps, for CSV and Excel: settlements, their invoices and their payments."""
    settlements: list[SettlementRow] = []
    while True:  # every one, a keyset page at a time (a page is capped at 5,000)
        after = (settlements[-1].due_date, settlements[-1].id) if settlements else None
        page = list_settlements(session, filters=filters, after=after, limit=5000)
        settlements.extend(page)
        if len(page) < 5000:
            break
    ids = [s.id for s in settlements]
    return settlements, _invoice_rows(session, ids), _payment_rows(session, ids)


def mark_overdue(session: Session) -> int:
    """Move unpaid settlements past their due date (Seoul) to overdue; returns how many moved.

    The database does it (circlue_mark_overdue(), run as the owner so any reader may call it and the audit names
    no user): the settlements page runs it before reading, `python -m circlue settlements overdue` from a daily
    job, so the stored status is never staler than the last page view.
    """
    return int(session.scalar(select(func.circlue_mark_overdue())) or 0)


def campaigns_to_settle(session: Session, *, rate: Decimal, limit: int = 100) -> list[CampaignToSettle]:
    """Committed campaigns (and cancelled ones with signed fees) without a settlement, with what the rule bills."""
    rows = session.execute(
        select(Campaign.id, Campaign.title, Campaign.status, Brand.name, Campaign.campaign_end_date)
        .join(Brand, Brand.id == Campaign.brand_id)
        .outerjoin(Settlement, Settlement.campaign_id == Campaign.id)
        .where(Settlement.id.is_(None), Campaign.status.in_((*CAMPAIGN_COMMITTED, "cancelled")))
        .order_by(Campaign.campaign_start_date, Campaign.id)
        .limit(limit)
    ).all()
    fees = billable_fees(session, campaign_ids=[r.id for r in rows])
    result = [
        CampaignToSettle(r.id, r.title, r.status, r.name, r.campaign_end_date, settlement_figures(fees[r.id], rate))
        for r in rows
    ]
    # A cancelled campaign with nothing signed owes nothing: there is nothing to open.
    return [c for c in result if c.campaign_status != "cancelled" or c.figures.amount > 0]


def open_settlement(
    session: Session, *, campaign_id: uuid.UUID, rate: Decimal, today: dt.date | None = None
) -> uuid.UUID:
    """Open a committed campaign's settlement (admins): its agreed fees plus the platform fee at `rate`, due
    circlue.money.DUE_DAYS after the campaign ends."""
    today = today or today_seoul()
    campaign = session.execute(
        select(Campaign.id, Campaign.brand_id, Campaign.status, Campaign.campaign_end_date)
        .where(Campaign.id == campaign_id)
        .with_for_update()
    ).first()
    if campaign is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if campaign.status not in (*CAMPAIGN_COMMITTED, "cancelled"):
        raise ValidationError(
            f"정산은 확정된 캠페인에 대해서만 만듭니다 (지금: {campaign.status}) / "
            f"a settlement follows a confirmed campaign (now: {campaign.status})"
        )
    if session.scalar(select(Settlement.id).where(Settlement.campaign_id == campaign_id)) is not None:
        raise ValidationError("이 캠페인의 정산이 이미 있습니다 / this campaign already has a settlement")
    figures = settlement_figures(billable_fees(session, campaign_ids=[campaign_id])[campaign_id], rate)
    if figures.amount <= 0:
        raise ValidationError("정산할 합의 금액이 없습니다 / there are no agreed fees to settle")
    settlement = Settlement(
        campaign_id=campaign_id,
        brand_id=campaign.brand_id,
        due_date=due_date_for(campaign.campaign_end_date, today),
        # The figures' fields are the settlement's columns: fees, rate, platform fee, amount.
        **asdict(figures),
    )
    session.add(settlement)
    with refusals():
        session.flush()
    return settlement.id


def _locked(session: Session, settlement_id: uuid.UUID) -> Settlement:
    """The settlement, locked for this transaction (invoices and payments of it queue behind)."""
    row = session.scalars(select(Settlement).where(Settlement.id == settlement_id).with_for_update()).first()
    if row is None:
        raise NotFound("정산을 찾을 수 없습니다 / settlement not found")
    return row


def recalculate(session: Session, *, settlement_id: uuid.UUID, rate: Decimal) -> SettlementFigures:
    """Bill what the rule gives today (fees changed, or the campaign was cancelled: only contracts count then),
    at the settlement's own rate (`rate` for one opened before rates were kept)."""
    settlement = _locked(session, settlement_id)
    if settlement.status in ("paid", "completed"):
        raise ValidationError(
            "입금이 끝난 정산의 금액은 바꿀 수 없습니다 / the amount of a paid settlement does not change"
        )
    fees = billable_fees(session, campaign_ids=[settlement.campaign_id])[settlement.campaign_id]
    own_rate = settlement.platform_fee_rate
    figures = settlement_figures(fees, own_rate if own_rate is not None else rate)
    if figures.amount < settlement.invoiced_amount:
        raise ValidationError(
            f"새 정산 금액 {format_krw(figures.amount)}이(가) 이미 발행한 {format_krw(settlement.invoiced_amount)}보다 "
            "적습니다. 먼저 수정세금계산서를 발행하세요 / "
            f"the new amount {format_krw(figures.amount)} is below the {format_krw(settlement.invoiced_amount)} "
            "already invoiced; issue an amending invoice first"
        )
    for column, value in asdict(figures).items():
        setattr(settlement, column, value)
    with refusals():
        session.flush()
    return figures


def change_due_date(session: Session, *, settlement_id: uuid.UUID, due_date: dt.date) -> str:
    """Move a settlement's due date (an agreed extension); returns the status it has then."""
    settlement = _locked(session, settlement_id)
    if settlement.status in ("paid", "completed"):
        raise ValidationError("입금이 끝난 정산입니다 / this settlement is paid already")
    settlement.due_date = due_date
    with refusals():
        session.flush()
    session.refresh(settlement, ["status"])
    return settlement.status


def close_settlement(session: Session, *, settlement_id: uuid.UUID) -> None:
    """Close a paid settlement (paid -> completed): the books for it are done, nothing more changes."""
    settlement = _locked(session, settlement_id)
    check_settlement_transition(settlement.status, "completed")
    settlement.status = "completed"
    with refusals():
        session.flush()
