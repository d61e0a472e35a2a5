"""Campaigns and settlements of a test's own, built through the real workflow (the database refuses shortcuts)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from circlue.db import Actor, set_actor, unit_of_work
from circlue.korea import SEOUL
from circlue.repository import invoices as invoices_repo
from circlue.repository import payments as payments_repo
from circlue.repository import settlements as settlements_repo
from circlue.repository.campaigns import set_status_note
from circlue.repository.refusals import as_domain_error
from circlue.schemas.settlements import AmendmentInput, InvoiceInput, PaymentInput

BUYER = {
    "business_number": "220-81-62517",
    "company_name": "(주)테스트뷰티",
    "ceo_name": "김정산",
    "address": "서울특별시 중구 세종대로 110",
    "business_type": "제조업",
    "business_item": "화장품",
}
RATE = Decimal("0.15")


def committed_campaign(
    owner: Engine, *, brand_email: str, fees: list[Decimal], title: str | None = None, to: str = "confirmed",
    contracted: int = 0,
) -> uuid.UUID:
    """A campaign of the brand user's brand walked to `to` (confirmed, or planning / cancelled after it) with one
    accepted invitation per fee; the first `contracted` of them signed once planning."""
    title = title or f"정산 테스트 {uuid.uuid4().hex[:8]}"
    with owner.begin() as conn:
        campaign_id = conn.execute(
            text(
                "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
                " proposal_deadline) SELECT b.id, p.id, :title, 900000000, current_date + 30, current_date + 60,"
                " current_date + 10 FROM brands b JOIN users u ON u.id = b.user_id JOIN products p ON p.brand_id = b.id"
                " WHERE u.email = :email ORDER BY p.name LIMIT 1 RETURNING id"
            ),
            {"title": title, "email": brand_email},
        ).scalar_one()

        def move(status: str) -> None:
            set_status_note(conn, "테스트: 취소" if status == "cancelled" else None)  # a cancellation needs one
            conn.execute(text("UPDATE campaigns SET status = :s WHERE id = :c"), {"s": status, "c": campaign_id})

        for status in ("submitted", "recruiting"):
            move(status)
        invited = conn.execute(
            text(
                "INSERT INTO campaign_influencers (campaign_id, influencer_id, status)"
                " SELECT :c, i.id, 'invited' FROM influencers i ORDER BY i.id LIMIT :n RETURNING id"
            ),
            {"c": campaign_id, "n": len(fees)},
        ).scalars().all()
        for invitation, fee in zip(invited, fees, strict=True):
            conn.execute(
                text("UPDATE campaign_influencers SET status = 'proposed', proposed_fee = :f WHERE id = :i"),
                {"f": fee, "i": invitation},
            )
        move("proposing")
        move("revising")
        for invitation, fee in zip(invited, fees, strict=True):
            conn.execute(
                text("UPDATE campaign_influencers SET status = 'accepted', ad_fee = :f WHERE id = :i"),
                {"f": fee, "i": invitation},
            )
        move("confirmed")
        if to in ("planning", "cancelled") or contracted:
            move("planning")
            for invitation in invited[:contracted]:
                conn.execute(
                    text(
                        "UPDATE campaign_influencers SET status = 'contracted', production_start_date = current_date,"
                        " production_deadline = current_date + 20 WHERE id = :i"
                    ),
                    {"i": invitation},
                )
        if to == "cancelled":
            move("cancelled")
    return campaign_id


def open_settlement(actor: Actor, campaign_id: uuid.UUID, *, rate: Decimal = RATE) -> uuid.UUID:
    """Open the campaign's settlement as `actor` (an admin)."""
    with unit_of_work(actor) as session:
        return settlements_repo.open_settlement(session, campaign_id=campaign_id, rate=rate)


def issue(actor: Actor, settlement_id: uuid.UUID, amount: Decimal, *, day: dt.date | None = None):  # noqa: ANN201
    """Issue a tax invoice of `amount` (supply) to the test buyer; returns the InvoiceRow."""
    with unit_of_work(actor) as session:
        return invoices_repo.issue_tax_invoice(
            session, settlement_id=settlement_id,
            invoice=InvoiceInput(amount=amount, issued_date=day or dt.date.today(), **BUYER),
        )


def pay(actor: Actor, settlement_id: uuid.UUID, amount: Decimal, transaction_id: str | None = None):  # noqa: ANN201
    """Record a payment of `amount` now; returns the PaymentRow."""
    with unit_of_work(actor) as session:
        return payments_repo.record_payment(
            session, settlement_id=settlement_id,
            payment=PaymentInput(
                method="bank-transfer", transaction_id=transaction_id or f"TEST-{uuid.uuid4().hex[:12]}",
                amount=amount, paid_at=dt.datetime.now(dt.UTC),
            ),
        )


def settlement(owner: Engine, settlement_id: uuid.UUID) -> dict:
    """The settlement row as stored, read as the owner."""
    with owner.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM settlements WHERE id = :s"), {"s": settlement_id}).mappings().one())


D = Decimal
GLOW, LUMIERE, ADMIN, MANAGER = (
    "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo", "manager@circlue.demo",
)


def today() -> dt.date:
    return dt.datetime.now(SEOUL).date()


def fresh(owner, admin: Actor, fee: str = "1000000", brand: str = LUMIERE) -> uuid.UUID:
    """A settlement of a new confirmed campaign: fee + 15 %."""
    return open_settlement(admin, committed_campaign(owner, brand_email=brand, fees=[D(fee)]))


def sql(app_engine, actor: Actor, statement: str, **params):
    """One statement through the app role as `actor`, committed; its refusal as the page would show it."""
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor)
        try:
            result = session.execute(text(statement), params)
        except DBAPIError as exc:
            raise (as_domain_error(exc) or exc) from exc
        return result.all() if result.returns_rows else result.rowcount


def amend(actor: Actor, invoice_id: uuid.UUID, amount: str, reason: str = "price-change", buyer: dict | None = None):
    """An amending invoice of `amount` (negative takes off) for the invoice, dated today in Seoul."""
    with unit_of_work(actor) as session:
        return invoices_repo.amend_tax_invoice(session, amendment=AmendmentInput(
            invoice_id=invoice_id, amount=D(amount), reason=reason, issued_date=today(), buyer=buyer))


def old_secrets() -> list[str]:
    """The field-encryption secrets the tests run with, newest first."""
    import os

    return os.environ["CIRCLUE_SECRET_KEY"].split(",")
