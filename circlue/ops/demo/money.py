"""The builder's money part: one settlement per committed campaign, its invoices (advance and balance, one amended)
and payments, as far as the campaign has gone; the database numbers the invoices and derives every status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import update

from circlue.config import get_settings
from circlue.korea import brn_check_digit, format_brn, format_krw, vat_for
from circlue.models import Payment, Settlement, TaxInvoice
from circlue.money import due_date_for, settlement_figures
from circlue.ops.demo.accounts import ADMIN_EMAIL
from circlue.ops.demo.base import FILES, BuilderBase, CampaignPlan, round_won
from circlue.ops.demo.campaign_data import PAYMENT_METHODS

# How far each campaign status has got with its money: advance invoiced, advance paid, balance invoiced, balance paid.
PROGRESS = {
    "confirmed": (False, False, False, False),
    "planning": (True, False, False, False),
    "producing": (True, True, False, False),
    "content-review": (True, True, False, False),
    "live": (True, True, False, False),
    "monitoring": (True, True, True, False),
    "completed": (True, True, True, True),
}


class MoneyMixin(BuilderBase):
    """Plans what each committed campaign is billed and paid, as far as its stage has gone."""

    def plan_money(self, campaign: CampaignPlan, fees: Decimal) -> None:
        """Queue the campaign's settlement (fees + platform fee), its advance and balance invoices and payments.

        The first monitoring campaign's brand is late (overdue, its advance paid only in part); the first completed
        campaign had its balance invoice corrected by an amending invoice and is closed; a producing campaign's
        advance arrives in two payments.
        """
        r = self.rng
        figures = settlement_figures(fees, get_settings().platform_fee_rate)
        advance = round_won(figures.amount / 2, 1_000)
        opened = min(campaign.deadline + dt.timedelta(days=r.randint(2, 5)), self.today)
        due = due_date_for(campaign.end, opened)
        seen = self.money_seen.setdefault(campaign.status, 0)
        self.money_seen[campaign.status] = seen + 1
        late = campaign.status == "monitoring" and seen == 0
        if late:
            due = self.today - dt.timedelta(days=3)
        settlement_id = self.put(
            Settlement,
            campaign_id=campaign.id,
            brand_id=campaign.brand_id,
            amount=figures.amount,
            influencer_fees=figures.influencer_fees,
            platform_fee_rate=figures.platform_fee_rate,
            platform_fee=figures.platform_fee,
            due_date=due,
            created_at=self.at(opened),
        )
        advance_invoiced, advance_paid, balance_invoiced, balance_paid = PROGRESS[campaign.status]
        if not advance_invoiced:
            return
        issued = min(opened + dt.timedelta(days=r.randint(1, 4)), self.today)
        self.plan_invoice(campaign, settlement_id, advance, issued)
        if advance_paid:
            total = vat_for(advance)[1]
            if late or (campaign.status == "producing" and seen == 0):
                part = round_won(total * Decimal("0.6"), 10_000)
                self.plan_payment(campaign, settlement_id, part, issued + dt.timedelta(days=r.randint(2, 6)))
                if not late:
                    later = issued + dt.timedelta(days=r.randint(8, 14))
                    self.plan_payment(campaign, settlement_id, total - part, later)
            else:
                self.plan_payment(campaign, settlement_id, total, issued + dt.timedelta(days=r.randint(2, 12)))
        if not balance_invoiced:
            return
        balance = figures.amount - advance
        issued = min(min(campaign.end, self.today) + dt.timedelta(days=r.randint(1, 5)), self.today)
        second = self.plan_invoice(campaign, settlement_id, balance, issued)
        corrected = campaign.status == "completed" and seen == 0
        if corrected:
            # The buyer's address was wrong: cancel the balance invoice and issue it again, both dated as the
            # original (a correction keeps the original's date, as amend_tax_invoice does).
            self.plan_invoice(campaign, settlement_id, -balance, issued, amends=(second, "correction"))
            self.plan_invoice(campaign, settlement_id, balance, issued)
        if balance_paid:
            day = issued + dt.timedelta(days=r.randint(2, 8))
            paid_at = self.plan_payment(campaign, settlement_id, vat_for(balance)[1], day)
            if corrected:
                self.closed.append((settlement_id, paid_at))

    def plan_invoice(
        self, campaign: CampaignPlan, settlement_id, amount: Decimal, issued: dt.date,  # noqa: ANN001 - a UUID
        *, amends: tuple[object, str] | None = None,
    ) -> object:
        """Queue one tax invoice to the campaign's brand (an amending one when `amends` names the original)."""
        tax, total = vat_for(amount)
        brand = campaign.brand
        invoice_id = self.put(
            TaxInvoice,
            settlement_id=settlement_id,
            invoice_number=None,
            business_number=self.brn(brand.key),
            company_name=brand.company,
            ceo_name=brand.ceo,
            address=brand.address,
            business_type=brand.business_type,
            business_item=brand.business_item,
            amount=amount,
            tax_amount=tax,
            total_amount=total,
            issued_date=issued,
            amends_invoice_id=amends[0] if amends else None,
            amendment_reason=amends[1] if amends else None,
            created_at=self.at(issued),
        )
        if amends is None:
            self.note(brand.owner, self.at(issued), "invoice", "세금계산서가 발행되었습니다",
                      f"'{campaign.title}' 정산 세금계산서 합계 {format_krw(total)}", campaign)
        return invoice_id

    def plan_payment(self, campaign: CampaignPlan, settlement_id, amount: Decimal, day: dt.date) -> dt.datetime:  # noqa: ANN001
        """Queue one payment received on `day` (today at the latest) and return when it arrived."""
        r = self.rng
        paid_at = self.at(min(day, self.today), hours=(10, 16))
        transaction_id = f"TXN{paid_at:%Y%m%d}-{r.getrandbits(24):06X}"
        self.put(
            Payment,
            settlement_id=settlement_id,
            payment_method=r.choice(PAYMENT_METHODS),
            transaction_id=transaction_id,
            paid_amount=amount,
            paid_at=paid_at,
            receipt_url=f"{FILES}/receipts/{transaction_id}.pdf",
            created_at=paid_at,
        )
        self.note(ADMIN_EMAIL, paid_at, "payment", "입금이 확인되었습니다",
                  f"{campaign.brand.company} {format_krw(amount)} 입금 ({transaction_id})", campaign)
        return paid_at

    def brn(self, brand_key: str) -> str:
        """The brand's 사업자등록번호: tax office 101-899, corporate code 81-88, serial, check digit."""
        if brand_key not in self.brns:
            r = self.rng
            digits = f"{r.randint(101, 899)}{r.randint(81, 88)}{r.randrange(10_000):04d}"
            self.brns[brand_key] = format_brn(digits + str(brn_check_digit(digits)))
        return self.brns[brand_key]

    def order_invoices(self) -> None:
        """Put the queued invoices in issue order, so the database numbers each year's invoices 000001, 000002 …

        By date only: the sort keeps the planned order within a day (an amending invoice before its re-issue)."""
        self.rows[TaxInvoice].sort(key=lambda i: i["issued_date"])

    def close_settlements(self) -> None:
        """Close (paid -> completed) the settlements an admin has already closed, as the admin would."""
        for settlement_id, _paid_at in self.closed:
            self.session.execute(
                update(Settlement).where(Settlement.id == settlement_id).values(status="completed"),
                execution_options={"synchronize_session": False},
            )
