"""The admins' money forms: open settlements, issue and amend tax invoices, record payments, due date and closing.

Each action is one unit of work; a refusal keeps what was typed and shows the message with its figures.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.errors import DomainError
from circlue.korea import SEOUL, format_krw, vat_for
from circlue.money import MAX_WON
from circlue.repository import invoices as invoices_repo
from circlue.repository import payments as payments_repo
from circlue.repository import settlements as settlements_repo
from circlue.repository.invoices import BUYER_FIELDS
from circlue.repository.settlements import CampaignToSettle, SettlementDetail
from circlue.schemas.common import parse
from circlue.schemas.settlements import (
    AMENDMENT_LABELS,
    AMENDMENT_REASONS,
    INVOICE_LABELS,
    PAYMENT_LABELS,
    PAYMENT_METHODS,
    AmendmentInput,
    BuyerInput,
    InvoiceInput,
    PaymentInput,
)
from circlue.ui.flash import flash, show_error
from circlue.ui.format import format_date, today_seoul
from circlue.ui.forms import FormErrors, errors_of, seed, submit
from circlue.ui.i18n import t
from circlue.ui.settlements import method_text, rule_text, status_text
from circlue.ui.text import md

_LIMITS = {"business_number": 12, "company_name": 100, "ceo_name": 50, "address": 300, "business_type": 50,
           "business_item": 50}


def _won_text(amount: Decimal) -> str:
    """An amount as the form shows it: 1,234,000."""
    return f"{amount:,.0f}"


def admin_actions(actor: Actor, found: SettlementDetail, *, rate: Decimal) -> None:
    """The admin's tabs under a settlement: issue, amend, record a payment, manage."""
    s = found.settlement
    if s.status == "completed":
        return
    st.subheader(t("money.admin"))
    names = [t("money.tab.issue"), t("money.tab.amend"), t("money.tab.pay"), t("money.tab.manage")]
    # Open on what the settlement needs next: an invoice, then money, then closing.
    following = 0 if s.to_invoice > 0 else 2 if s.outstanding > 0 else 3
    issue, amend, pay, manage = st.tabs(names, default=names[following])
    with issue:
        issue_form(actor, found)
    with amend:
        amend_form(actor, found)
    with pay:
        payment_form(actor, found)
    with manage:
        manage_section(actor, found, rate=rate)


def _buyer_inputs(prefix: str, errors: FormErrors) -> None:
    left, right = st.columns(2)
    for n, name in enumerate(BUYER_FIELDS):
        with (left if n % 2 == 0 else right):
            st.text_input(t(f"money.field.{name}"), key=prefix + name, max_chars=_LIMITS[name])
            errors.under(name)


def issue_form(actor: Actor, found: SettlementDetail) -> None:
    """Issue a tax invoice for what is left of the settlement (or part of it), to the brand's usual buyer."""
    s = found.settlement
    if s.to_invoice <= 0:
        st.info(t("money.nothing_to_invoice"))
        return
    prefix = f"issue_{s.id}_"
    if prefix + "amount" not in st.session_state:
        with unit_of_work(actor) as session:
            buyer = invoices_repo.buyer_defaults(session, settlement_id=s.id)
        seed({prefix + name: buyer.get(name, "") for name in BUYER_FIELDS})
        seed({prefix + "amount": _won_text(s.to_invoice), prefix + "issued_date": today_seoul()})
    preview = vat_preview(str(st.session_state.get(prefix + "amount", "")))
    if preview:
        st.caption(preview)
    errors = errors_of(prefix)
    with errors.form(prefix + "form"):
        left, right = st.columns(2)
        with left:
            st.text_input(t("money.field.amount"), key=prefix + "amount", max_chars=20,
                          help=t("money.field.amount_help"))
            errors.under("amount")
        with right:
            st.date_input(t("money.field.issued_date"), key=prefix + "issued_date", max_value=today_seoul())
            errors.under("issued_date")
        _buyer_inputs(prefix, errors)
        submitted = st.form_submit_button(t("money.issue"), type="primary")
    if submitted:
        submit(prefix, lambda: _issue(actor, prefix, s.id))


def _issue(actor: Actor, prefix: str, settlement_id: uuid.UUID) -> str:
    state = st.session_state
    data = parse(
        InvoiceInput, INVOICE_LABELS, amount=state[prefix + "amount"], issued_date=state[prefix + "issued_date"],
        **{name: state[prefix + name] for name in BUYER_FIELDS},
    )
    with unit_of_work(actor) as session:
        invoice = invoices_repo.issue_tax_invoice(session, settlement_id=settlement_id, invoice=data)
    return t("money.issued", number=invoice.invoice_number, total=format_krw(invoice.total_amount))


def amend_form(actor: Actor, found: SettlementDetail) -> None:
    """An amending invoice against one of the originals: a reduction, a cancellation or a corrected re-issue."""
    originals = [i for i in found.invoices if i.amends_invoice_id is None]
    left_of = {i.id: i.amount for i in originals}
    for invoice in found.invoices:
        if invoice.amends_invoice_id in left_of:
            left_of[invoice.amends_invoice_id] += invoice.amount
    open_ones = [i for i in originals if left_of[i.id] > 0]
    if not open_ones:
        st.info(t("money.nothing_to_amend"))
        return
    s = found.settlement
    prefix = f"amend_{s.id}_"
    by_id = {str(i.id): i for i in open_ones}
    if st.session_state.get(prefix + "invoice") not in by_id:
        st.session_state[prefix + "invoice"] = str(open_ones[-1].id)
    picked = by_id[st.session_state[prefix + "invoice"]]
    st.selectbox(
        t("money.amend_pick"), options=list(by_id), key=prefix + "invoice",
        # What the label shows never changes (a keyed selectbox forgets its choice when its labels do).
        format_func=lambda iid: f"{by_id[iid].invoice_number} · {format_date(by_id[iid].issued_date)} · "
        f"{format_krw(by_id[iid].amount)}",
    )
    seed({prefix + "amount": _won_text(left_of[picked.id]), prefix + "reason": "correction",
          prefix + "issued_date": today_seoul()})
    seed({prefix + name: getattr(picked, name) or "" for name in BUYER_FIELDS})
    st.selectbox(
        t("money.amend_reason"), options=list(AMENDMENT_REASONS), key=prefix + "reason",
        format_func=lambda r: t(f"money.reason.{r}"),
    )
    correction = st.session_state[prefix + "reason"] == "correction"
    if correction:
        st.caption(t("money.amend_correction_note"))
    # The repository dates these as the original whatever is typed; the form says so instead of asking.
    dated_as_original = st.session_state[prefix + "reason"] in ("correction", "duplicate")
    if dated_as_original:
        st.caption(t("money.amend_dated_original", date=format_date(picked.issued_date)))
    errors = errors_of(prefix)
    with errors.form(prefix + "form"):
        left, right = st.columns(2)
        with left:
            st.text_input(t("money.amend_amount"), key=prefix + "amount", max_chars=20, disabled=correction)
            errors.under("amount")
        with right:
            st.date_input(t("money.field.issued_date"), key=prefix + "issued_date", max_value=today_seoul(),
                          min_value=picked.issued_date, disabled=dated_as_original)
            errors.under("issued_date")
        if correction:
            _buyer_inputs(prefix, errors)
        submitted = st.form_submit_button(t("money.amend"), type="primary")
    if submitted:
        submit(prefix, lambda: _amend(actor, prefix, picked.id, left_of[picked.id], correction))


def _amend(actor: Actor, prefix: str, invoice_id: uuid.UUID, left: Decimal, correction: bool) -> str:
    state = st.session_state
    buyer = parse(BuyerInput, INVOICE_LABELS, **{n: state[prefix + n] for n in BUYER_FIELDS}) if correction else None
    data = parse(
        AmendmentInput, AMENDMENT_LABELS, invoice_id=invoice_id, reason=state[prefix + "reason"],
        amount=left if correction else state[prefix + "amount"], issued_date=state[prefix + "issued_date"],
        buyer=buyer,
    )
    with unit_of_work(actor) as session:
        issued = invoices_repo.amend_tax_invoice(session, amendment=data)
    return t("money.amended", numbers=", ".join(i.invoice_number for i in issued))


def payment_form(actor: Actor, found: SettlementDetail) -> None:
    """Record money received: at most what is still due; a transaction id only once."""
    s = found.settlement
    if s.outstanding <= 0:
        st.info(t("money.nothing_due"))
        return
    prefix = f"pay_{s.id}_"
    now = dt.datetime.now(SEOUL)
    seed({
        prefix + "method": PAYMENT_METHODS[0], prefix + "transaction_id": "",
        prefix + "amount": _won_text(s.outstanding),
        prefix + "paid_on": now.date(), prefix + "paid_time": now.time().replace(second=0, microsecond=0),
    })
    st.caption(t("money.due_left", due=format_krw(s.outstanding)))
    errors = errors_of(prefix)
    with errors.form(prefix + "form"):
        first, second = st.columns(2)
        with first:
            st.selectbox(t("money.field.method"), options=list(PAYMENT_METHODS), format_func=method_text,
                         key=prefix + "method")
            errors.under("method")
            st.text_input(t("money.field.transaction_id"), key=prefix + "transaction_id", max_chars=100)
            errors.under("transaction_id")
            st.text_input(t("money.field.paid_amount"), key=prefix + "amount", max_chars=20)
            errors.under("amount")
        with second:
            st.date_input(t("money.field.paid_on"), key=prefix + "paid_on", max_value=now.date())
            st.time_input(t("money.field.paid_time"), key=prefix + "paid_time", step=60)
            errors.under("paid_at")
            st.file_uploader(t("money.field.receipt"), type=["pdf", "png", "jpg", "jpeg"], key=prefix + "receipt",
                             max_upload_size=10)
            errors.under("receipt")
        submitted = st.form_submit_button(t("money.pay"), type="primary")
    if submitted:
        submit(prefix, lambda: _pay(actor, prefix, s.id))


def _pay(actor: Actor, prefix: str, settlement_id: uuid.UUID) -> str:
    state = st.session_state
    paid_at = dt.datetime.combine(state[prefix + "paid_on"], state[prefix + "paid_time"], SEOUL)
    data = parse(
        PaymentInput, PAYMENT_LABELS, method=state[prefix + "method"], transaction_id=state[prefix + "transaction_id"],
        amount=state[prefix + "amount"], paid_at=paid_at,
    )
    upload = state.get(prefix + "receipt")
    with unit_of_work(actor) as session:
        payments_repo.record_payment(
            session, settlement_id=settlement_id, payment=data, receipt=upload.getvalue() if upload else None
        )
        status = settlements_repo.get_settlement(session, settlement_id=settlement_id).settlement.status
    return t("money.paid", amount=format_krw(data.amount), status=status_text(status))


def manage_section(actor: Actor, found: SettlementDetail, *, rate: Decimal) -> None:
    """Due date, recalculation when the campaign's fees changed, and closing a paid settlement."""
    s = found.settlement
    if s.status == "paid":
        st.caption(t("money.close_help"))
        if st.button(t("money.close"), key=f"close_{s.id}", type="primary", icon=":material/lock:"):
            _act(actor, lambda session: settlements_repo.close_settlement(session, settlement_id=s.id),
                 t("money.closed"))
        return
    prefix = f"due_{s.id}_"
    seed({prefix + "due_date": s.due_date})
    with st.form(prefix + "form"):
        st.date_input(t("money.field.due_date"), key=prefix + "due_date")
        if st.form_submit_button(t("money.change_due")):
            due = st.session_state[prefix + "due_date"]
            _act(actor, lambda session: settlements_repo.change_due_date(session, settlement_id=s.id, due_date=due),
                 lambda status: t("money.due_changed", due=format_date(due), status=status_text(status)))
    rule = found.rule_now
    if rule is not None and rule.amount != s.amount:
        st.warning(md(t("money.rule_changed", amount=format_krw(rule.amount), rule=rule_text(rule, rule.amount))))
        if st.button(t("money.recalculate"), key=f"recalc_{s.id}", icon=":material/calculate:"):
            _act(actor, lambda session: settlements_repo.recalculate(session, settlement_id=s.id, rate=rate),
                 lambda figures: t("money.recalculated", amount=format_krw(figures.amount)))


def _act(actor: Actor, action, message) -> None:  # noqa: ANN001 - a callable on a Session, a str or a callable
    """Run one action in its own unit of work; flash its message or show why it was refused."""
    try:
        with unit_of_work(actor) as session:
            result = action(session)
    except DomainError as exc:
        show_error(exc)
        return
    flash(message(result) if callable(message) else message)


def to_settle_section(actor: Actor, campaigns: list[CampaignToSettle], *, rate: Decimal) -> None:
    """Committed campaigns without a settlement, each with what the rule bills and a button that opens it."""
    if not campaigns:
        return
    with st.expander(t("money.to_settle", n=len(campaigns)), icon=":material/add_card:", expanded=False):
        st.caption(t("money.to_settle_note", rate=f"{(rate * 100).normalize():f}%"))
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.brand"): [c.brand for c in campaigns],
                    t("money.col.campaign"): [c.campaign for c in campaigns],
                    t("col.status"): [t(f"status.{c.campaign_status}") for c in campaigns],
                    t("money.col.amount"): [rule_text(c.figures, c.figures.amount) for c in campaigns],
                }
            ),
            hide_index=True,
            key="to_settle_table",
        )
        by_id = {str(c.campaign_id): c for c in campaigns}
        choice = st.selectbox(t("campaigns.pick"), options=list(by_id), key="to_settle_pick",
                              format_func=lambda cid: f"{by_id[cid].brand} · {by_id[cid].campaign}")
        if st.button(t("money.open"), key="to_settle_open", type="primary"):
            chosen = by_id[choice]
            _act(
                actor,
                lambda session: settlements_repo.open_settlement(session, campaign_id=chosen.campaign_id, rate=rate),
                t("money.opened", title=md(chosen.campaign), amount=format_krw(chosen.figures.amount)),
            )


def vat_preview(amount_text: str) -> str | None:
    """Supply + VAT = total for what is typed, or None when it is not an amount yet."""
    try:
        amount = Decimal(amount_text.replace(",", "").replace("₩", "").replace("원", "").strip())
    except ArithmeticError:
        return None
    # Past NUMERIC(15,2) it is no amount the database could hold (and 1e29 would not even round to the won).
    if not amount.is_finite() or not 0 < amount < MAX_WON:
        return None
    tax, total = vat_for(amount)
    return t("money.issue_preview", supply=format_krw(amount), vat=format_krw(tax), total=format_krw(total))
