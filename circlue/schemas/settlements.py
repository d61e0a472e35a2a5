"""What the money forms may send: a tax invoice to issue, an amending invoice, a payment, a due date."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from circlue.errors import ValidationError
from circlue.korea import validate_brn
from circlue.schemas.common import Input, Won, required_line

# Codes stored (encrypted) in payments.payment_method; the pages show their names.
PAYMENT_METHODS = ("bank-transfer", "virtual-account", "corporate-card", "other")
AMENDMENT_REASONS = ("correction", "price-change", "cancellation", "duplicate")

INVOICE_LABELS = {
    "amount": "공급가액 / supply amount",
    "issued_date": "작성일자 / issue date",
    "business_number": "사업자등록번호 / business number",
    "company_name": "상호 / company",
    "ceo_name": "대표자 / CEO",
    "address": "사업장 주소 / address",
    "business_type": "업태 / business type",
    "business_item": "종목 / business item",
}
AMENDMENT_LABELS = {"amount": "감액 / amount to take off", "reason": "수정사유 / reason", **INVOICE_LABELS}
PAYMENT_LABELS = {
    "method": "입금 방법 / method",
    "transaction_id": "거래 번호 / transaction id",
    "amount": "입금액 / amount",
    "paid_at": "입금 일시 / paid at",
}


def _amount_text(value: Any) -> Any:
    """A typed amount as people write it in Korea (₩22,000, 22,000원)."""
    if isinstance(value, str):
        return re.sub(r"[\s,₩원]", "", value) or None
    return value


def _brn(value: str) -> str:
    try:
        return validate_brn(value)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def canonical_transaction_id(value: str) -> str:
    """A transaction id as stored and compared: full-width folded (NFKC), no spaces anywhere, upper case.

    Banks print the same reference as `TXN 2026-ab12`, `txn2026-AB12` or in full-width letters; all are one id, so
    the blind index (and its unique index) sees one value.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def _aware(value: dt.datetime) -> dt.datetime:
    # A payment time is an instant: a naive one would be read in whatever zone the server runs in.
    if value.tzinfo is None:
        raise ValueError("시간대가 없는 일시입니다 / the time has no time zone")
    return value


Amount = Annotated[Won, Field(gt=0), BeforeValidator(_amount_text)]
BusinessNumber = Annotated[str, Field(max_length=20), AfterValidator(_brn)]
TransactionId = Annotated[required_line(100), AfterValidator(canonical_transaction_id)]


class BuyerInput(Input):
    """The buyer (공급받는자) as a tax invoice names it."""

    business_number: BusinessNumber
    company_name: required_line(100)
    ceo_name: required_line(50)
    address: required_line(300)
    business_type: required_line(50)
    business_item: required_line(50)


class InvoiceInput(BuyerInput):
    """A tax invoice to issue: supply amount (VAT and total follow), issue date and the buyer."""

    amount: Amount
    issued_date: dt.date


class AmendmentInput(Input):
    """An amending invoice: what to take off an original (all of it to cancel), why, and for a correction the
    buyer details to issue it again with."""

    invoice_id: uuid.UUID
    amount: Amount
    reason: Literal["correction", "price-change", "cancellation", "duplicate"]
    issued_date: dt.date
    buyer: BuyerInput | None = None


class PaymentInput(Input):
    """Money received against a settlement."""

    method: Literal["bank-transfer", "virtual-account", "corporate-card", "other"]
    transaction_id: TransactionId
    amount: Amount
    paid_at: Annotated[dt.datetime, AfterValidator(_aware)]
