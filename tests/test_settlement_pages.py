"""The settlements page through AppTest: figures, aging, monthly totals, the list and its exports, the detail,
the admins' forms (refusals keep what was typed), and what a brand user sees."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from tests.conftest import actor_of, statements_sent
from tests.settlement_helpers import BUYER, committed_campaign, issue, open_settlement, settlement
from tests.test_pages import _login_state

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "views" / "settlements.py")
GLOW, LUMIERE, ADMIN = "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo"


@pytest.fixture(autouse=True)
def _fresh_caches(migrated_url):
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _page(email: str, lang: str = "ko") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = lang
    _login_state(at, actor_of(email))
    return at


def _picked(at: AppTest):
    """The selectbox that picks the settlement shown below the list."""
    return at.selectbox(key="money_pick")


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.header, *at.subheader, *at.markdown, *at.caption, *at.error, *at.info, *at.success)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("email", [ADMIN, "manager@circlue.demo", GLOW])
def test_the_page_opens_with_figures_aging_and_the_list(email):
    at = _page(email).run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["미수금 (청구, 미입금)", "연체"], "outstanding and overdue come first"
    assert all(m.value.startswith("₩") for m in at.metric)
    assert at.get("plotly_chart"), "the aging chart is missing"
    assert len(at.dataframe) >= 2  # monthly totals and the list


def test_the_rule_is_stated_on_the_detail():
    at = _page(ADMIN).run()
    assert "인플루언서 비용 ₩" in _texts(at) and "플랫폼 수수료 15% ₩" in _texts(at)


def test_a_brand_sees_its_own_settlements_and_nothing_else(owner_engine, users_by_email):
    at = _page(GLOW).run()
    assert not at.exception
    frame = at.dataframe[-1].value if "브랜드" not in at.dataframe[-1].value else at.dataframe[-1].value
    with owner_engine.connect() as conn:
        own = set(conn.execute(
            text("SELECT c.title FROM settlements s JOIN campaigns c ON c.id = s.campaign_id JOIN brands b"
                 " ON b.id = s.brand_id WHERE b.user_id = :u"), {"u": users_by_email[GLOW]}
        ).scalars())
        others = set(conn.execute(
            text("SELECT c.title FROM settlements s JOIN campaigns c ON c.id = s.campaign_id JOIN brands b"
                 " ON b.id = s.brand_id WHERE b.user_id <> :u"), {"u": users_by_email[GLOW]}
        ).scalars())
    listed = {t for df in at.dataframe for col in ("캠페인",) if col in df.value for t in df.value[col]}
    assert listed and listed <= own and not (listed & others)
    assert "브랜드" not in frame.columns
    assert not at.get("tabs") or "세금계산서 발행" not in [tab.label for tab in at.tabs]
    assert "money_brand" not in [s.key for s in at.selectbox], "a brand user gets no brand filter"


def test_admin_issues_an_invoice_and_records_two_payments_from_the_forms(owner_engine):
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[Decimal("1000000")], title="폼 테스트 캠페인")
    admin = actor_of(ADMIN)
    settlement_id = open_settlement(admin, campaign)
    at = _page(ADMIN).run()
    at.text_input(key="money_query").input("폼 테스트").run()
    assert not at.exception
    assert _picked(at).value == str(settlement_id)
    prefix = f"issue_{settlement_id}_"
    assert at.text_input(key=prefix + "amount").value == "1,150,000", "the form offers what is left to invoice"
    for name, value in BUYER.items():
        at.text_input(key=prefix + name).input(value)
    at.button(key=f"FormSubmitter:{prefix}form-발행").click().run()
    assert not at.exception, at.exception
    assert any("합계 ₩1,265,000" in s.value for s in at.success), [s.value for s in at.success]
    assert settlement(owner_engine, settlement_id)["status"] == "invoiced"

    pay = f"pay_{settlement_id}_"
    at.text_input(key=pay + "transaction_id").input("KB 2026-0001")
    at.text_input(key=pay + "amount").input("₩1,000,000")
    at.button(key=f"FormSubmitter:{pay}form-입금 기록").click().run()
    assert not at.exception
    assert settlement(owner_engine, settlement_id)["status"] == "partially-paid"
    # An overpayment is refused with the figures, and the form keeps what was typed.
    at.text_input(key=pay + "transaction_id").input("KB 2026-0002")
    at.text_input(key=pay + "amount").input("300,000")
    at.button(key=f"FormSubmitter:{pay}form-입금 기록").click().run()
    errors = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.caption)
    assert "₩265,000" in errors and "₩1,265,000" in errors
    assert at.text_input(key=pay + "amount").value == "300,000"
    # The same transaction id again, spelt differently, is refused in words a person understands.
    at.text_input(key=pay + "transaction_id").input(" kb2026-0001 ")
    at.text_input(key=pay + "amount").input("265,000")
    at.button(key=f"FormSubmitter:{pay}form-입금 기록").click().run()
    assert "이미 기록되었습니다" in " ".join(e.value for e in at.error) + " ".join(c.value for c in at.caption)
    at.text_input(key=pay + "transaction_id").input("KB 2026-0002")
    at.button(key=f"FormSubmitter:{pay}form-입금 기록").click().run()
    assert not at.exception
    row = settlement(owner_engine, settlement_id)
    assert (row["status"], row["paid_amount"], row["invoiced_total"]) == ("paid", Decimal("1265000"), Decimal("1265000"))
    assert any("입금 완료" in s.value for s in at.success)


def test_the_brand_opens_its_invoice(owner_engine):
    campaign = committed_campaign(owner_engine, brand_email=GLOW, fees=[Decimal("200000")], title="계산서 보기 테스트")
    admin = actor_of(ADMIN)
    settlement_id = open_settlement(admin, campaign)
    invoice = issue(admin, settlement_id, Decimal("230000"))
    at = _page(GLOW).run()
    at.text_input(key="money_query").input("계산서 보기").run()
    assert not at.exception
    assert at.selectbox(key="money_invoice").value == str(invoice.id)
    page = at.get("iframe")
    assert page, "the invoice is shown as printed"
    assert invoice.invoice_number in str(page[0].proto)


def test_exports_are_exact_to_the_won():
    from openpyxl import load_workbook

    from circlue import exports
    from circlue.db import unit_of_work
    from circlue.repository import settlements as settlements_repo

    with unit_of_work(actor_of(ADMIN)) as session:
        rows, invoices, payments = settlements_repo.export_rows(session)
    csv_text = exports.settlements_csv(rows).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("브랜드 (Brand),캠페인 (Campaign)")
    assert str(int(rows[0].amount)) in csv_text
    book = load_workbook(io.BytesIO(exports.settlements_xlsx(rows, invoices, payments)))
    sheet = book["정산 Settlements"]
    amounts = [c.value for c in sheet["H"][1 : len(rows) + 1]]
    assert all(isinstance(a, int) for a in amounts), "money cells are exact integers, not floats or text"
    assert sum(amounts) == int(sum(r.amount for r in rows))
    assert sheet["H2"].number_format == exports.WON_FORMAT
    assert sheet[f"H{len(rows) + 2}"].value == f"=SUM(H2:H{len(rows) + 1})"
    assert book["입금 Payments"].max_row == len(payments) + 2


def test_the_page_runs_a_fixed_number_of_queries():
    """No query per row: the count does not grow with the settlements listed."""
    from circlue.db import app_engine

    at = _page(ADMIN)
    with statements_sent(app_engine()) as statements:
        at.run()
    assert not at.exception
    # Session check (2); set_actor + overdue sweep + brands + summary (2) + list + monthly + to-settle (2);
    # set_actor + detail (4); set_actor + buyer defaults (when something is left to invoice); set_actor + invoice
    # page (2, 3 when the printable file is written again).
    assert 0 < len(statements) <= 24, "\n".join(statements)
