"""Tax invoices (세금계산서): issue one from a settlement, amend one (수정세금계산서), print one.

The database numbers every invoice from its year's counter row in the issuing transaction and refuses what would
break the money (invoices above the settlement's amount, amendments above their original, any change to an issued
invoice); these functions check the same first, with messages that name the figures. The printable page is written
under CIRCLUE_DATA_DIR/files inside the issuing transaction (a rollback leaves at most a file the next issue of
that number overwrites; opening one checks that it carries the invoice's id).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from circlue import files
from circlue.config import supplier
from circlue.errors import NotFound, ValidationError
from circlue.invoice_document import InvoiceDocument, belongs_to, render
from circlue.korea import amendment_vat, format_krw, today_seoul, vat_for
from circlue.models import Brand, Campaign, Settlement, TaxInvoice
from circlue.repository.refusals import refusals
from circlue.repository.settlements import InvoiceRow, _invoice_rows, _locked
from circlue.schemas.settlements import AmendmentInput, InvoiceInput

BUYER_FIELDS = ("business_number", "company_name", "ceo_name", "address", "business_type", "business_item")


def buyer_defaults(session: Session, *, settlement_id: uuid.UUID) -> dict[str, str]:
    """The buyer as the brand's latest invoice named it (company name alone for a brand's first invoice)."""
    brand_id, brand_name = session.execute(
        select(Settlement.brand_id, Brand.name).join(Brand, Brand.id == Settlement.brand_id)
        .where(Settlement.id == settlement_id)
    ).one()
    latest = session.execute(
        select(*(getattr(TaxInvoice, f) for f in BUYER_FIELDS))
        .join(Settlement, Settlement.id == TaxInvoice.settlement_id)
        .where(Settlement.brand_id == brand_id)
        .order_by(TaxInvoice.issued_date.desc(), TaxInvoice.invoice_number.desc())
        .limit(1)
    ).first()
    if latest is None:
        return {"company_name": brand_name}
    return {name: value or "" for name, value in zip(BUYER_FIELDS, latest, strict=True)}


def _check_open(settlement: Settlement) -> None:
    if settlement.status == "completed":
        raise ValidationError("완료된 정산은 마감되어 더 이상 바꿀 수 없습니다 / a completed settlement is closed")


def _check_date(issued: dt.date) -> None:
    if issued > today_seoul():
        raise ValidationError(
            "작성일자는 오늘 이후일 수 없습니다 / a tax invoice cannot be dated after today",
            fields={"issued_date": "오늘 이후 / after today"},
        )


def _insert(session: Session, settlement_id: uuid.UUID, rows: list[dict]) -> list[InvoiceRow]:
    """Insert invoices in one statement (so a cancelling invoice and its re-issue are checked together), store
    their printable pages, and return them as issued (numbered by the database)."""
    values = []
    for row in rows:
        # An amending row brings its VAT (korea.amendment_vat); an original's is 10 % of its supply.
        tax = row.pop("tax_amount") if "tax_amount" in row else vat_for(row["amount"])[0]
        # One multi-row VALUES: every row names the same columns.
        values.append({"settlement_id": settlement_id, "amends_invoice_id": None, "amendment_reason": None, **row,
                       "tax_amount": tax, "total_amount": row["amount"] + tax})
    with refusals():
        ids = list(session.scalars(insert(TaxInvoice).values(values).returning(TaxInvoice.id)))
    # The database recounted the settlement (figures, status) in the same statement.
    for settlement in session.identity_map.values():
        if isinstance(settlement, Settlement) and settlement.id == settlement_id:
            session.expire(settlement)
    issued = [i for i in _invoice_rows(session, [settlement_id]) if i.id in set(ids)]
    campaign = _campaign_title(session, settlement_id)
    for invoice in issued:
        files.write(invoice.file_url, render(_document(invoice, campaign)).encode("utf-8"))
    return issued


def issue_tax_invoice(session: Session, *, settlement_id: uuid.UUID, invoice: InvoiceInput) -> InvoiceRow:
    """Issue a tax invoice of a settlement (admins): supply amount, VAT 10 % truncated, total; the next number."""
    settlement = _locked(session, settlement_id)
    _check_open(settlement)
    _check_date(invoice.issued_date)
    left = settlement.amount - settlement.invoiced_amount
    if invoice.amount > left:
        raise ValidationError(
            f"공급가액 {format_krw(invoice.amount)}이(가) 발행할 수 있는 금액 {format_krw(left)}을(를) 넘습니다 "
            f"(정산 금액 {format_krw(settlement.amount)}, 발행 {format_krw(settlement.invoiced_amount)}) / "
            f"the supply amount {format_krw(invoice.amount)} is more than the {format_krw(left)} left to invoice "
            f"(settlement {format_krw(settlement.amount)}, invoiced {format_krw(settlement.invoiced_amount)})",
            fields={"amount": f"최대 / at most {format_krw(left)}"},
        )
    return _insert(session, settlement_id, [invoice.model_dump()])[0]


def amend_tax_invoice(session: Session, *, amendment: AmendmentInput) -> list[InvoiceRow]:
    """Issue an amending invoice (수정세금계산서): a negative amount against the original, never an edit of it.

    A correction of the buyer's details cancels what is left of the original and issues it again with the
    corrected details, in one statement (the settlement's total does not move, so a paid one stays paid).
    """
    original = session.execute(
        select(TaxInvoice.id, TaxInvoice.settlement_id, TaxInvoice.amount, TaxInvoice.tax_amount,
               TaxInvoice.amends_invoice_id, TaxInvoice.invoice_number, TaxInvoice.issued_date,
               *(getattr(TaxInvoice, f) for f in BUYER_FIELDS))
        .where(TaxInvoice.id == amendment.invoice_id)
    ).first()
    if original is None:
        raise NotFound("세금계산서를 찾을 수 없습니다 / tax invoice not found")
    if original.amends_invoice_id is not None:
        raise ValidationError(
            "수정세금계산서는 원본 세금계산서를 수정합니다 / an amending invoice amends an original invoice"
        )
    settlement = _locked(session, original.settlement_id)
    _check_open(settlement)
    # A correction of the buyer's details and a duplicate issue are dated as the original (부가가치세법 시행령
    # 제70조): they put right that invoice, so aging and the month's totals keep it where it was.
    issued_date = original.issued_date if amendment.reason in ("correction", "duplicate") else amendment.issued_date
    _check_date(issued_date)
    if issued_date < original.issued_date:
        raise ValidationError(
            f"수정세금계산서는 원본({original.issued_date.isoformat()})보다 앞선 날짜일 수 없습니다 / "
            f"an amending invoice cannot be dated before its original ({original.issued_date.isoformat()})",
            fields={"issued_date": f"{original.issued_date.isoformat()} 이후 / on or after"},
        )
    amended, amended_tax = session.execute(
        select(func.coalesce(func.sum(TaxInvoice.amount), 0), func.coalesce(func.sum(TaxInvoice.tax_amount), 0))
        .where(TaxInvoice.amends_invoice_id == original.id)
    ).one()
    left, left_tax = original.amount + amended, original.tax_amount + amended_tax
    if amendment.amount > left:
        raise ValidationError(
            f"감액 {format_krw(amendment.amount)}이(가) 세금계산서 {original.invoice_number}의 남은 금액 "
            f"{format_krw(left)}을(를) 넘습니다 / taking off {format_krw(amendment.amount)} is more than the "
            f"{format_krw(left)} left of invoice {original.invoice_number}",
            fields={"amount": f"최대 / at most {format_krw(left)}"},
        )
    rows = [{
        "amount": -amendment.amount,
        "tax_amount": amendment_vat(left, left_tax, -amendment.amount)[0],
        "issued_date": issued_date,
        "amends_invoice_id": original.id,
        "amendment_reason": amendment.reason,
        **{f: getattr(original, f) for f in BUYER_FIELDS},
    }]
    if amendment.reason == "correction":
        if amendment.buyer is None or amendment.amount != left:
            raise ValidationError(
                "기재사항 정정은 남은 금액 전부를 취소하고 고친 내용으로 다시 발행합니다 / "
                "a correction cancels all that is left of the invoice and issues it again with the corrected details"
            )
        rows.append({"amount": left, "issued_date": issued_date, **amendment.buyer.model_dump()})
    return _insert(session, original.settlement_id, rows)


def _campaign_title(session: Session, settlement_id: uuid.UUID) -> str:
    return session.scalar(
        select(Campaign.title)
        .join(Settlement, Settlement.campaign_id == Campaign.id)
        .where(Settlement.id == settlement_id)
    ) or ""


def _document(invoice: InvoiceRow, campaign: str) -> InvoiceDocument:
    return InvoiceDocument(
        id=invoice.id,
        invoice_number=invoice.invoice_number,
        issued_date=invoice.issued_date,
        amount=invoice.amount,
        tax_amount=invoice.tax_amount,
        total_amount=invoice.total_amount,
        business_number=invoice.business_number or "",
        company_name=invoice.company_name or "",
        ceo_name=invoice.ceo_name or "",
        address=invoice.address or "",
        business_type=invoice.business_type or "",
        business_item=invoice.business_item or "",
        campaign=campaign,
        supplier=supplier(),
        amends_number=invoice.amends_number,
        amendment_reason=invoice.amendment_reason,
    )


def invoice_page(session: Session, *, invoice_id: uuid.UUID) -> tuple[InvoiceRow, bytes]:
    """An invoice and its printable page as stored (written again from the row when missing: an issued invoice
    never changes, so the page is the same). RLS: a brand opens only its own."""
    settlement_id = session.scalar(select(TaxInvoice.settlement_id).where(TaxInvoice.id == invoice_id))
    if settlement_id is None:
        raise NotFound("세금계산서를 찾을 수 없습니다 / tax invoice not found")
    invoice = next(i for i in _invoice_rows(session, [settlement_id]) if i.id == invoice_id)
    page = files.read(invoice.file_url) if files.is_stored(invoice.file_url) else None
    if page is None or not belongs_to(page, invoice.id):
        page = render(_document(invoice, _campaign_title(session, settlement_id))).encode("utf-8")
        files.write(invoice.file_url, page)
    return invoice, page


def buyer_of(invoice: InvoiceRow) -> dict[str, str]:
    """An invoice's buyer, as the correction form starts from it."""
    return {f: getattr(invoice, f) or "" for f in BUYER_FIELDS}
