"""The settlements page's parts: filters, the figures at the top, aging, monthly totals, the list with its exports,
and one settlement with its invoices (viewable, printable) and payments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pandas as pd
import streamlit as st

from circlue import exports, files
from circlue.db import Actor, unit_of_work
from circlue.errors import DomainError
from circlue.korea import SEOUL
from circlue.money import AGING_BUCKETS, SettlementFigures
from circlue.repository import invoices as invoices_repo
from circlue.repository import settlements as settlements_repo
from circlue.repository.settlement_overview import MonthTotal, Summary
from circlue.repository.settlements import (
    InvoiceRow,
    PaymentRow,
    SettlementDetail,
    SettlementFilter,
    SettlementRow,
)
from circlue.ui.charts import aging_bar
from circlue.ui.flash import show_error
from circlue.ui.format import format_date, format_datetime, format_krw
from circlue.ui.i18n import t
from circlue.ui.text import md
from circlue.workflow import SETTLEMENT_STATUSES

BRAND, STATUSES, DUE_FROM, DUE_TO, QUERY = (
    "money_brand", "money_statuses", "money_due_from", "money_due_to", "money_query",
)
AFTER, PICK, INVOICE = "money_after", "money_pick", "money_invoice"


def status_text(status: str) -> str:
    """A settlement status as people read it."""
    return t(f"settlement.{status}")


def rule_text(figures: SettlementFigures | None, amount) -> str:  # noqa: ANN001 - a Decimal
    """The rule as the page states it: fees ₩X + platform fee 15% ₩Y = ₩Z."""
    if figures is None:
        return t("money.rule_unknown", amount=format_krw(amount))
    return t(
        "money.rule", fees=format_krw(figures.influencer_fees), rate=figures.rate_percent,
        fee=format_krw(figures.platform_fee), amount=format_krw(figures.amount),
    )


def _new_filter() -> None:
    st.session_state.pop(AFTER, None)


def chosen_filter(staff: bool) -> SettlementFilter:
    """What the filter widgets hold (their keys carry the values before the widgets are drawn)."""
    state = st.session_state
    return SettlementFilter(
        brand_id=state.get(BRAND) if staff else None,
        statuses=tuple(state.get(STATUSES) or ()),
        due_from=state.get(DUE_FROM),
        due_to=state.get(DUE_TO),
        query=state.get(QUERY) or None,
    )


def filters(staff: bool, brands: list[tuple[uuid.UUID, str]]) -> None:
    """The filter widgets: brand (staff), statuses, due dates, words of the campaign title."""
    names = dict(brands)
    if st.session_state.get(BRAND) not in names:
        st.session_state[BRAND] = None
    columns = st.columns([1.3, 2, 1.1, 1.1, 1.5] if staff else [2, 1.1, 1.1, 1.5])
    if staff:
        columns[0].selectbox(
            t("money.filter.brand"), options=[None, *names], key=BRAND, on_change=_new_filter,
            format_func=lambda b: t("filter.all") if b is None else names.get(b, "?"), placeholder=t("filter.all"),
        )
        columns = columns[1:]
    columns[0].multiselect(
        t("money.filter.status"), options=list(SETTLEMENT_STATUSES), format_func=status_text, key=STATUSES,
        on_change=_new_filter, placeholder=t("filter.all"),
    )
    columns[1].date_input(t("money.filter.due_from"), value=None, key=DUE_FROM, on_change=_new_filter)
    columns[2].date_input(t("money.filter.due_to"), value=None, key=DUE_TO, on_change=_new_filter)
    columns[3].text_input(t("money.filter.search"), key=QUERY, max_chars=100, on_change=_new_filter)


def top_figures(summary: Summary) -> None:
    """Outstanding and overdue first, then what is not invoiced yet and what came in this month."""
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("money.outstanding"), format_krw(summary.outstanding), help=t("money.outstanding_help"))
    c2.metric(
        t("money.overdue"), format_krw(summary.overdue), delta=t("money.overdue_count", n=summary.overdue_count),
        delta_color="inverse" if summary.overdue_count else "off", delta_arrow="off",
    )
    c3.metric(t("money.to_invoice"), format_krw(summary.to_invoice))
    c4.metric(t("money.received"), format_krw(summary.received_this_month))


def aging_and_months(summary: Summary, monthly: list[MonthTotal], *, staff: bool) -> None:
    """The aging chart beside the totals per brand and month."""
    left, right = st.columns([1.6, 3.4])
    with left:
        st.subheader(t("money.aging"))
        st.caption(t("money.aging_note"))
        labels = {name: t("money.aging_days", bucket=name) for name, _low, _high in AGING_BUCKETS}
        st.plotly_chart(aging_bar(summary.aging, labels), key="aging_chart", config={"displayModeBar": False})
    with right:
        st.subheader(t("money.monthly" if staff else "money.monthly_own"))
        if not monthly:
            st.info(t("money.none"))
            return
        columns = {
            t("money.col.month"): [m.month.strftime("%Y-%m") for m in monthly],
            t("col.brand"): [m.brand for m in monthly],
            t("money.col.opened"): [format_krw(m.opened) for m in monthly],
            t("money.col.supply"): [format_krw(m.invoiced_amount) for m in monthly],
            t("money.col.vat"): [format_krw(m.invoiced_tax) for m in monthly],
            t("money.col.invoiced"): [format_krw(m.invoiced_total) for m in monthly],
            t("money.col.paid"): [format_krw(m.paid) for m in monthly],
        }
        if not staff:
            del columns[t("col.brand")]
        # As tall as the chart beside it; a short table no taller than its rows.
        amounts = [name for name in columns if name not in (t("money.col.month"), t("col.brand"))]
        st.dataframe(pd.DataFrame(columns), hide_index=True, key="monthly_table",
                     height=min(330, 35 * (len(monthly) + 1) + 3), column_config=money_columns(*amounts))


def settlements_table(rows: list[SettlementRow], *, staff: bool) -> None:
    """The list: money as ₩ strings (exact; no float on the way to the screen)."""
    columns = {
        t("money.col.due"): [format_date(r.due_date) for r in rows],
        t("col.status"): [status_text(r.status) for r in rows],
        t("money.col.campaign"): [r.campaign for r in rows],
        t("money.col.amount"): [format_krw(r.amount) for r in rows],
        t("money.col.invoiced"): [format_krw(r.invoiced_total) for r in rows],
        t("money.col.paid"): [format_krw(r.paid_amount) for r in rows],
        t("money.col.outstanding"): [format_krw(r.outstanding) for r in rows],
        t("col.invoice"): [r.last_invoice or "—" for r in rows],
    }
    if staff:
        columns = {t("col.brand"): [r.brand for r in rows], **columns}
    st.dataframe(pd.DataFrame(columns), hide_index=True, key="settlement_table", column_config=money_columns(
        t("money.col.amount"), t("money.col.invoiced"), t("money.col.paid"), t("money.col.outstanding"),
    ) | {
        t("col.status"): st.column_config.TextColumn(width=100),
        # Long titles are cut (the whole title shows in the picker and the detail), so the figures stay in view.
        t("money.col.campaign"): st.column_config.TextColumn(width=260),
    })


def money_columns(*names: str) -> dict:
    """Amount columns (₩ strings) aligned right, as figures are read."""
    return {name: st.column_config.TextColumn(alignment="right") for name in names}


def export_buttons(actor: Actor, chosen: SettlementFilter) -> None:
    """CSV and Excel of everything the filter keeps, built when clicked (RLS applies: a brand gets its own)."""

    def rows() -> tuple:
        with unit_of_work(actor) as session:
            return settlements_repo.export_rows(session, filters=chosen)

    stamp = dt.date.today().isoformat()
    left, right, _rest = st.columns([1, 1, 4])
    left.download_button(
        t("money.export_csv"), data=lambda: exports.settlements_csv(rows()[0]), file_name=f"settlements-{stamp}.csv",
        mime="text/csv", key="export_csv", icon=":material/download:", on_click="ignore",
    )
    right.download_button(
        t("money.export_xlsx"), data=lambda: exports.settlements_xlsx(*rows()), file_name=f"settlements-{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx",
        icon=":material/table_view:", on_click="ignore",
    )


def pager(rows: list[SettlementRow], page_size: int) -> None:
    """First page / next page buttons for the keyset-paginated list."""
    previous, following, _rest = st.columns([1, 1, 4])
    if st.session_state.get(AFTER) and previous.button(t("money.first"), key="money_first_page"):
        _new_filter()
        st.rerun()
    if len(rows) == page_size and following.button(t("money.more", n=page_size), key="money_next_page"):
        st.session_state[AFTER] = (rows[-1].due_date, rows[-1].id)
        st.rerun()


def pick(rows: list[SettlementRow], *, staff: bool) -> uuid.UUID | None:
    """The settlement picked for the detail below (what needs attention first, unless one was picked).

    Its label shows only what never changes (brand, campaign, when it was opened): a keyed selectbox loses its choice
    when its labels change, and status and figures change whenever money moves.
    """
    by_id = {str(r.id): r for r in rows}
    if not by_id:
        return None
    if st.session_state.get(PICK) not in by_id:
        # The late ones, then money owed, then what is left to invoice.
        first = (
            next((r for r in rows if r.status == "overdue"), None)
            or next((r for r in rows if r.outstanding > 0), None)
            or next((r for r in rows if r.to_invoice > 0), rows[0])
        )
        st.session_state[PICK] = str(first.id)

    def label(sid: str) -> str:
        r = by_id[sid]
        brand = f"{r.brand} · " if staff else ""
        opened = format_date(r.created_at.astimezone(SEOUL).date()) if r.created_at else ""
        return f"{brand}{r.campaign} · {t('money.opened_on', day=opened)}"

    st.selectbox(t("money.pick"), options=list(by_id), format_func=label, key=PICK)
    return uuid.UUID(st.session_state[PICK])


def _invoice_kind(invoice: InvoiceRow) -> str:
    if invoice.amends_number is None:
        return t("money.kind.original")
    reason = t(f"money.reason.{invoice.amendment_reason}") if invoice.amendment_reason else ""
    return t("money.kind.amending", number=invoice.amends_number) + (f" · {reason}" if reason else "")


def method_text(method: str | None) -> str:
    """A payment method's name (older rows may hold free text)."""
    key = f"money.method.{method}"
    label = t(key)
    return (method or "—") if label == key else label


def detail_head(found: SettlementDetail) -> None:
    """One settlement's heading: status, brand, due date, the rule, what is invoiced and paid."""
    s = found.settlement
    st.subheader(md(s.campaign))
    st.markdown(f"**{status_text(s.status)}** · {md(s.brand)} · {t('money.due_line', due=format_date(s.due_date))}")
    st.markdown(md(rule_text(s.figures, s.amount)))
    st.caption(
        md(t(
            "money.invoiced_line", supply=format_krw(s.invoiced_amount), vat=format_krw(s.invoiced_tax),
            total=format_krw(s.invoiced_total), paid=format_krw(s.paid_amount), due=format_krw(s.outstanding),
            left=format_krw(s.to_invoice),
        ))
    )
    if s.completed_at:
        st.caption(t("money.closed_note", when=format_datetime(s.completed_at)))


def detail_records(actor: Actor, found: SettlementDetail) -> None:
    """One settlement's invoices (the picked one shown as printed) and payments."""
    st.subheader(t("money.records"))
    invoices_tab, payments_tab = st.tabs(
        [f"{t('money.invoices')} ({len(found.invoices)})", f"{t('money.payments')} ({len(found.payments)})"]
    )
    with invoices_tab:
        invoice_list(actor, found.invoices)
    with payments_tab:
        payment_list(found.payments)


def invoice_list(actor: Actor, invoices: list[InvoiceRow]) -> None:
    """The settlement's invoices, and the one picked shown as printed, with its printable file."""
    if not invoices:
        st.info(t("money.no_invoices"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("money.col.number"): [i.invoice_number for i in invoices],
                t("money.col.issued"): [format_date(i.issued_date) for i in invoices],
                t("money.col.kind"): [_invoice_kind(i) for i in invoices],
                t("money.col.supply"): [format_krw(i.amount) for i in invoices],
                t("money.col.vat"): [format_krw(i.tax_amount) for i in invoices],
                t("money.col.total"): [format_krw(i.total_amount) for i in invoices],
                t("money.col.buyer"): [f"{i.company_name or ''} ({i.business_number or ''})" for i in invoices],
            }
        ),
        hide_index=True,
        key="invoice_table",
        column_config=money_columns(t("money.col.supply"), t("money.col.vat"), t("money.col.total")),
    )
    by_id = {str(i.id): i for i in invoices}
    if st.session_state.get(INVOICE) not in by_id:
        st.session_state[INVOICE] = str(invoices[-1].id)
    st.selectbox(
        t("money.view_invoice"), options=list(by_id), key=INVOICE,
        format_func=lambda iid: f"{by_id[iid].invoice_number} · {_invoice_kind(by_id[iid])} · "
        f"{format_krw(by_id[iid].total_amount)}",
    )
    try:
        with unit_of_work(actor) as session:
            invoice, page = invoices_repo.invoice_page(session, invoice_id=uuid.UUID(st.session_state[INVOICE]))
    except DomainError as exc:
        show_error(exc)
        return
    st.download_button(
        t("money.download_invoice"), data=page, file_name=f"tax-invoice-{invoice.invoice_number}.html",
        mime="text/html", key="invoice_download", icon=":material/print:", on_click="ignore",
    )
    # Our own template with every stored value escaped (circlue.invoice_document): nothing typed runs as HTML.
    with st.container(key="invoice_view"):
        st.iframe(page.decode("utf-8"), height="content")


def payment_list(payments: list[PaymentRow]) -> None:
    """The settlement's payments, and their receipts."""
    if not payments:
        st.info(t("money.no_payments"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("money.col.paid_at"): [format_datetime(p.paid_at) for p in payments],
                t("money.col.paid"): [format_krw(p.paid_amount) for p in payments],
                t("money.col.method"): [method_text(p.payment_method) for p in payments],
                t("money.col.transaction"): [p.transaction_id or "" for p in payments],
                t("money.col.receipt"): [p.receipt_url or "" if not files.is_stored(p.receipt_url) else "📎"
                                         for p in payments],
            }
        ),
        hide_index=True,
        key="payment_table",
        column_config={
            t("money.col.receipt"): st.column_config.LinkColumn(display_text=t("money.receipt_link")),
            **money_columns(t("money.col.paid")),
        },
    )
    for p in payments:
        if files.is_stored(p.receipt_url):
            reference = p.receipt_url
            st.download_button(
                f"{t('money.download_receipt')} · {p.transaction_id}", data=_reader(reference),
                file_name=reference.rsplit("/", 1)[-1], mime=files.mime_of(reference), key=f"receipt_{p.id}",
                on_click="ignore",
            )


def _reader(reference: str) -> Callable[[], bytes]:
    return lambda: files.read(reference) or b""
