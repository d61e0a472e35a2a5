"""Settlements, Korean tax invoices (세금계산서) and payments."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, ForeignKey, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, EncryptedText, Money, UpdatedAt, UuidPk, blind_indexed

# Kept by the database from a settlement's invoices and payments (0014): whatever the app sends is recounted.
Kept = Annotated[Decimal, mapped_column(Numeric(15, 2), server_default=text("0"))]


class Settlement(Base):
    """What a brand owes for a campaign (one per campaign): fees + platform fee, what is invoiced and paid."""

    __tablename__ = "settlements"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    amount: Mapped[Money]
    # Since 0014: how the amount is made up (circlue.money), NULL on rows opened before; the status follows the
    # money in the database (circlue.workflow.SETTLEMENT_TRANSITIONS).
    influencer_fees: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    platform_fee_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    platform_fee: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    invoiced_amount: Mapped[Kept]
    invoiced_tax: Mapped[Kept]
    invoiced_total: Mapped[Kept]
    paid_amount: Mapped[Kept]
    status: Mapped[str] = mapped_column(String(50), server_default=text("'pending'"))
    due_date: Mapped[dt.date | None]
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class TaxInvoice(Base):
    """A Korean tax invoice: supply amount, 10 % VAT and total; numbered and never changed by the database (0014)."""

    __tablename__ = "tax_invoices"

    id: Mapped[UuidPk]
    settlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("settlements.id", ondelete="CASCADE"))
    # YYYY-NNNNNN, given by the database from the year's counter: whatever the app sends is replaced.
    invoice_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    business_number: Mapped[str | None] = mapped_column(String(50))
    company_name: Mapped[str | None] = mapped_column(String(100))
    ceo_name: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    business_type: Mapped[str | None] = mapped_column(String(50))
    business_item: Mapped[str | None] = mapped_column(String(50))
    amount: Mapped[Money]
    tax_amount: Mapped[Money]
    total_amount: Mapped[Money]
    issued_date: Mapped[dt.date]
    file_url: Mapped[str | None] = mapped_column(String(255))
    # An amending invoice (수정세금계산서): a negative amount against an original of the same settlement.
    amends_invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tax_invoices.id"))
    amendment_reason: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[CreatedAt]


class Payment(Base):
    """Money received against a settlement."""

    __tablename__ = "payments"

    id: Mapped[UuidPk]
    settlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("settlements.id", ondelete="CASCADE"))
    # Payment data, encrypted by the app (0012); a duplicate transaction id is found by its blind index.
    payment_method: Mapped[str | None] = mapped_column(EncryptedText)
    transaction_id: Mapped[str | None] = mapped_column(EncryptedText)
    transaction_id_bidx: Mapped[str | None] = mapped_column(String(64))
    paid_amount: Mapped[Money]
    paid_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    receipt_url: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]


blind_indexed(Payment, "transaction_id")
