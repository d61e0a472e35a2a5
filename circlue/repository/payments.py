"""Payments: record money received against a settlement (admins), never more than is invoiced, never twice.

The database refuses the same (refusals name the figures) whatever writes: an overpayment in the settlement's
trigger, a transaction id recorded before by the unique blind index of migration 0012.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from circlue import files
from circlue.crypto import keyring
from circlue.errors import ValidationError
from circlue.korea import SEOUL, format_krw
from circlue.models import Campaign, Payment, Settlement
from circlue.repository.refusals import refusals
from circlue.repository.settlements import PaymentRow, _locked, _payment_rows
from circlue.schemas.settlements import PaymentInput


def find_transaction(session: Session, *, transaction_id: str) -> tuple[str, str] | None:
    """The campaign and time of a payment recorded with this transaction id (under any key of the ring), if any."""
    row = session.execute(
        select(Campaign.title, Payment.paid_at)
        .join(Settlement, Settlement.id == Payment.settlement_id)
        .join(Campaign, Campaign.id == Settlement.campaign_id)
        .where(Payment.transaction_id_bidx.in_(keyring().blind_indexes(transaction_id)))
        .limit(1)
    ).first()
    return (row.title, row.paid_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")) if row else None


def record_payment(
    session: Session, *, settlement_id: uuid.UUID, payment: PaymentInput, receipt: bytes | None = None
) -> PaymentRow:
    """Record a payment (admins): partial payments add up; more than is invoiced, or a transaction id seen before,
    is refused with the figures. An uploaded receipt is kept under CIRCLUE_DATA_DIR/files/receipts."""
    settlement = _locked(session, settlement_id)
    if settlement.status == "completed":
        raise ValidationError("완료된 정산은 마감되어 더 이상 바꿀 수 없습니다 / a completed settlement is closed")
    due = settlement.invoiced_total - settlement.paid_amount
    if payment.amount > due:
        message = (
            f"입금 {format_krw(payment.amount)}을(를) 기록하면 입금 합계가 "
            f"{format_krw(settlement.paid_amount + payment.amount)}(으)로 청구 합계 "
            f"{format_krw(settlement.invoiced_total)}을(를) 넘습니다. 남은 금액은 {format_krw(due)}입니다 / "
            f"a payment of {format_krw(payment.amount)} would bring the total paid to "
            f"{format_krw(settlement.paid_amount + payment.amount)}, above the invoiced total "
            f"{format_krw(settlement.invoiced_total)}; {format_krw(due)} is still due"
        )
        raise ValidationError(message, fields={"amount": f"최대 / at most {format_krw(due)}"})
    seen = find_transaction(session, transaction_id=payment.transaction_id)
    if seen is not None:
        title, when = seen
        message = (
            f"거래 번호 {payment.transaction_id}은(는) 이미 기록되었습니다 ('{title}', {when}). 같은 입금을 두 번 "
            f"기록할 수 없습니다 / transaction id {payment.transaction_id} is already recorded ('{title}', {when}): "
            "the same payment cannot be recorded twice"
        )
        raise ValidationError(message, fields={"transaction_id": message})
    reference = files.receipt_reference(receipt) if receipt else None
    row = Payment(
        settlement_id=settlement_id,
        payment_method=payment.method,
        transaction_id=payment.transaction_id,
        paid_amount=payment.amount,
        paid_at=payment.paid_at,
        receipt_url=reference,
    )
    session.add(row)
    with refusals():
        session.flush()
    # The database recounted the settlement (figures, status) in the same statement.
    session.expire(settlement)
    if reference is not None and receipt is not None:
        files.write(reference, receipt)
    return next(p for p in _payment_rows(session, [settlement_id]) if p.id == row.id)
