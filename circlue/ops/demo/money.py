"""The builder's money part: settlements (advance and balance), tax invoices numbered per year, payments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from circlue.korea import brn_check_digit, format_brn, format_krw, vat_for
from circlue.models import Payment, Settlement, TaxInvoice
from circlue.ops.demo.accounts import ADMIN_EMAIL
from circlue.ops.demo.base import FILES, BuilderBase, CampaignPlan, round_won
from circlue.ops.demo.campaign_data import PAYMENT_METHODS


class MoneyMixin(BuilderBase):
    """Plans what each confirmed campaign is billed and paid, as far as its stage has gone."""

    def plan_money(self, campaign: CampaignPlan, fees: Decimal) -> None:
        """Queue an advance (50 %) and, once live, a balance settlement with invoices and payments."""
        r = self.rng
        # Influencer fees plus Circlue's 15 % service fee, in thousands of won.
        total = round_won(fees * Decimal("1.15"), 1_000)
        advance = round_won(total / 2, 1_000)
        status = campaign.status
        advance_status = {"confirmed": "pending", "planning": "invoiced"}.get(status, "paid")
        confirmed_on = min(campaign.deadline + dt.timedelta(days=r.randint(2, 5)), self.today)
        self.plan_settlement(
            campaign, advance, advance_status, due=campaign.start - dt.timedelta(days=7), opened=confirmed_on,
            issued=min(confirmed_on + dt.timedelta(days=r.randint(1, 4)), self.today),
        )
        if status in ("live", "monitoring", "completed"):
            balance_status = {"live": "pending", "monitoring": "invoiced"}.get(status, "paid")
            closed_on = min(campaign.end, self.today)
            self.plan_settlement(
                campaign, total - advance, balance_status, due=campaign.end + dt.timedelta(days=30),
                opened=min(campaign.start + dt.timedelta(days=1), self.today),
                issued=min(closed_on + dt.timedelta(days=r.randint(1, 5)), self.today),
            )

    def plan_settlement(
        self, campaign: CampaignPlan, amount: Decimal, status: str, *, due: dt.date, opened: dt.date,
        issued: dt.date,
    ) -> None:
        """Queue one settlement, its tax invoice once invoiced, and its payment once paid."""
        r = self.rng
        settlement_id = self.new_id()
        paid_at = None
        if status == "paid":
            paid_at = self.at(min(issued + dt.timedelta(days=r.randint(2, 12)), self.today), hours=(10, 16))
        self.put(
            Settlement,
            id=settlement_id,
            campaign_id=campaign.id,
            brand_id=campaign.brand_id,
            amount=amount,
            status=status,
            due_date=due,
            completed_at=paid_at,
            created_at=self.at(opened),
        )
        if status == "pending":
            return
        tax, total = vat_for(amount)
        brand = campaign.brand
        self.put(
            TaxInvoice,
            settlement_id=settlement_id,
            invoice_number=None,  # numbered in issue order once every invoice is known
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
            file_url=None,
            created_at=self.at(issued),
        )
        self.note(brand.owner, self.at(issued), "invoice", "세금계산서가 발행되었습니다",
                  f"'{campaign.title}' 정산 세금계산서 합계 {format_krw(total)}", campaign)
        if paid_at is None:
            return
        transaction_id = f"TXN{paid_at:%Y%m%d}-{r.getrandbits(24):06X}"
        self.put(
            Payment,
            settlement_id=settlement_id,
            payment_method=r.choice(PAYMENT_METHODS),
            transaction_id=transaction_id,
            paid_amount=total,
            paid_at=paid_at,
            receipt_url=f"{FILES}/receipts/{transaction_id}.pdf",
            created_at=paid_at,
        )
        self.note(ADMIN_EMAIL, paid_at, "payment", "입금이 확인되었습니다",
                  f"{brand.company} {format_krw(total)} 입금 ({transaction_id})", campaign)

    def brn(self, brand_key: str) -> str:
        """The brand's 사업자등록번호: tax office 101-899, corporate code 81-88, serial, check digit."""
        if brand_key not in self.brns:
            r = self.rng
            digits = f"{r.randint(101, 899)}{r.randint(81, 88)}{r.randrange(10_000):04d}"
            self.brns[brand_key] = format_brn(digits + str(brn_check_digit(digits)))
        return self.brns[brand_key]

    def number_invoices(self) -> None:
        """Give tax invoices unique numbers, sequential per year in issue order (2026-000001)."""
        per_year: dict[int, int] = defaultdict(int)
        invoices = self.rows[TaxInvoice]
        for invoice in sorted(invoices, key=lambda i: (i["issued_date"], i["created_at"])):
            year = invoice["issued_date"].year
            per_year[year] += 1
            invoice["invoice_number"] = f"{year}-{per_year[year]:06d}"
            invoice["file_url"] = f"{FILES}/tax-invoices/{invoice['invoice_number']}.pdf"
