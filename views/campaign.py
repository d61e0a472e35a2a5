"""One campaign (?id=<uuid>): where it stands, what this user may do now, its influencers and fees, its history."""

import uuid
from decimal import Decimal

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError, NotFound, ValidationError
from circlue.models import PLATFORMS
from circlue.repository import campaigns as campaigns_repo
from circlue.repository import influencers as influencers_repo
from circlue.repository import invitations as invitations_repo
from circlue.schemas.campaigns import INVITATION_LABELS, AgreementInput, ContractInput, ProposalInput
from circlue.schemas.common import parse
from circlue.ui.campaign_form import Terms, category_label, parse_terms, show_field_errors, terms_fields
from circlue.ui.charts import budget_bar
from circlue.ui.flash import drawn_with, flash, show_error, show_flash
from circlue.ui.format import SEOUL, format_count, format_date, format_datetime, format_krw, today_seoul
from circlue.ui.i18n import platform_label, status_label, t
from circlue.ui.navigation import STAFF, guard, page_path
from circlue.ui.pipeline_html import deadline_passed, facts_html, setup, stage_track_html, timeline_html
from circlue.ui.text import md
from circlue.workflow import INVITATION_AGREED, INVITING_STAGES, invitation_next

actor = guard("campaign")
staff = actor.role in STAFF
today = today_seoul()
setup()
st.page_link(page_path("pipeline"), label=t("campaign.back"), icon=":material/arrow_back:")

try:
    campaign_id = uuid.UUID(str(st.query_params.get("id", "")))
except ValueError:
    st.info(t("campaign.none"))
    st.stop()

try:
    with unit_of_work(actor) as session:
        campaign = campaigns_repo.get_campaign(session, campaign_id=campaign_id)
        history = campaigns_repo.status_history(session, campaign_id=campaign_id)
        invitations = invitations_repo.list_invitations(session, campaign_id=campaign_id)
except NotFound:
    st.warning(t("campaign.not_found"))
    st.stop()

cid = campaign.id
pending = sum((i.proposed_fee or Decimal(0) for i in invitations if i.status == "proposed"), Decimal(0))
late = deadline_passed(campaign.proposal_deadline, today, campaign.status)
days = (today - campaign.status_changed_at.astimezone(SEOUL).date()).days if campaign.status_changed_at else 0


def invitation_label(status: str) -> str:
    """An invitation status in the reader's language."""
    return t(f"invitation_status.{status}")


# -- where it stands --------------------------------------------------------------------------------------------

st.header(md(campaign.title))
st.caption(
    " · ".join(
        md(part)
        for part in (
            campaign.brand,
            campaign.product,
            t(f"ad_type.{campaign.ad_type}") if campaign.ad_type else "—",
            t("campaign.manager", name=campaign.manager or "—"),
        )
    )
)
show_flash()
st.html(stage_track_html(campaign.status))
st.html(
    facts_html(
        (
            (t("col.status"), status_label(campaign.status), False),
            (t("campaign.in_stage"), t("campaign.today") if days <= 0 else t("campaign.days", n=f"{days:,}"), False),
            (t("col.budget"), format_krw(campaign.budget), False),
            (t("budget.agreed"), format_krw(campaign.agreed), campaign.agreed > campaign.budget),
            (t("budget.left"), format_krw(campaign.budget - campaign.agreed), campaign.agreed > campaign.budget),
            (t("col.deadline"), format_date(campaign.proposal_deadline) + (" ⚠" if late else ""), late),
            (
                t("campaign.period"),
                f"{format_date(campaign.campaign_start_date)} ~\n{format_date(campaign.campaign_end_date)}",
                False,
            ),
        )
    )
)

about, act = st.columns([3, 2], gap="large")

with act:
    st.subheader(t("campaign.next"))
    if "confirmed" in campaign.moves:
        # What confirming commits to, before anyone clicks: the database refuses it over budget anyway.
        figures = {"agreed": format_krw(campaign.agreed), "budget": format_krw(campaign.budget)}
        if campaign.agreed > campaign.budget:
            st.warning(t("campaign.over_budget", **figures))
        else:
            st.info(t("campaign.confirm_check", **figures))
    seen = drawn_with(f"move_seen_{cid}", campaign.status)
    if campaign.moves:
        # Keyed by the status too: after a move the next one starts with an empty note (a refused one keeps it).
        with st.form(f"move_{cid}"):
            target = st.radio(
                t("campaign.move_to"),
                options=campaign.moves,
                format_func=lambda s: f"{t(f'move.{s}')} (→ {status_label(s)})",
                key=f"move_to_{cid}_{campaign.status}",
            )
            note = st.text_area(
                t("campaigns.note"), max_chars=1000, height=80, key=f"move_note_{cid}_{campaign.status}",
                placeholder=t("campaign.note_hint"),
            )
            moved = st.form_submit_button(t("campaign.move"), type="primary", icon=":material/arrow_forward:")
        if moved:
            if target == "cancelled" and not note.strip():
                st.error(t("campaign.cancel_needs_note"))
            else:
                try:
                    with unit_of_work(actor) as session:
                        campaigns_repo.advance_campaign(
                            session, campaign_id=cid, to=target, expected_status=seen, note=note
                        )
                except DomainError as exc:
                    show_error(exc)
                else:
                    flash(t("campaigns.moved", title=md(campaign.title), status=status_label(target)))
    elif campaign.status in ("completed", "cancelled"):
        st.caption(t("campaigns.no_next"))
    else:
        st.caption(t("campaign.staff_moves"))
    st.markdown(f"**{t('campaign.budget_use')}**")
    st.plotly_chart(
        budget_bar(campaign.budget, campaign.agreed, pending),
        key=f"budget_{cid}",
        config={"displayModeBar": False},
    )

with about:
    st.subheader(t("campaign.summary"))
    if campaign.description:
        st.markdown(md(campaign.description))
    st.markdown(
        "  \n".join(
            f"**{label}** {md(value)}"
            for label, value in (
                (t("col.product"), campaign.product),
                (t("col.brand"), campaign.brand),
                (t("campaign.created"), format_datetime(campaign.created_at)),
            )
        )
    )
    st.subheader(t("form.target"))
    target_content = campaign.target
    if target_content is None:
        st.caption(t("campaign.no_target"))
    else:
        usp = target_content.usp_importance or 0
        lines = (
            (t("form.categories"), ", ".join(category_label(c) for c in target_content.influencer_categories) or "—"),
            (t("form.target_age"), target_content.target_age or "—"),
            (t("form.usp"), "★" * usp + "☆" * (5 - usp) + f" ({usp}/5)"),
            (t("form.impact"), target_content.influencer_impact or "—"),
            (t("form.additional"), target_content.additional_description or "—"),
            (t("form.secondary"), t("yes") if target_content.secondary_content_usage else t("no")),
        )
        st.markdown("  \n".join(f"**{label}** {md(value)}" for label, value in lines))

# -- influencers -------------------------------------------------------------------------------------------------

st.subheader(t("invitations.title", n=len(invitations)))
if invitations:
    st.dataframe(
        pd.DataFrame(
            {
                t("col.name"): [i.influencer for i in invitations],
                t("col.platform"): [platform_label(i.platform) for i in invitations],
                t("col.followers"): [format_count(i.followers) for i in invitations],
                t("col.status"): [invitation_label(i.status) for i in invitations],
                t("invitations.proposed_fee"): [format_krw(i.proposed_fee) for i in invitations],
                t("invitations.ad_fee"): [format_krw(i.ad_fee) for i in invitations],
                t("invitations.deliverables"): [", ".join(i.deliverables) for i in invitations],
                t("invitations.production"): [
                    f"{format_date(i.production_start_date)} → {format_date(i.production_deadline)}"
                    if i.production_start_date
                    else "—"
                    for i in invitations
                ],
            }
        ),
        hide_index=True,
        key=f"invitations_{cid}",
    )
else:
    st.caption(t("invitations.none"))


def _act(action, message: str) -> None:
    """Run one invitation action in its own unit of work; show its refusal, or rerun with fresh data."""
    try:
        with unit_of_work(actor) as session:
            action(session)
    except DomainError as exc:
        show_error(exc)
    else:
        flash(message)


def _won(name: str, value: float | None) -> dict[str, Decimal]:
    """A number input's amount as whole won, or nothing (the schema then says it is required)."""
    return {name: Decimal(int(value))} if value is not None else {}


def _record(invitation: tuple[uuid.UUID, tuple], use_case, field: str, schema, values: dict, message: str) -> None:
    """Parse one invitation form with its schema and run its use case; `invitation` is (id, (status, updated_at)
    the user saw)."""
    invitation_id, (seen, version) = invitation
    _act(
        lambda s: use_case(
            s, invitation_id=invitation_id, expected_status=seen, expected_updated_at=version,
            **{field: parse(schema, INVITATION_LABELS, **values)},
        ),
        message,
    )


if staff:
    invite_col, handle_col = st.columns(2, gap="large")
    with invite_col:
        st.markdown(f"**{t('invite.title')}**")
        if campaign.status not in INVITING_STAGES:
            st.caption(t("invite.when"))
        else:
            where, who = st.columns(2)
            platform = where.selectbox(
                t("filter.platform"), options=list(PLATFORMS), index=None, format_func=platform_label,
                placeholder=t("filter.all"), key="invite_platform",
            )
            name = who.text_input(t("filter.search"), max_chars=100, key="invite_query")
            try:
                with unit_of_work(actor) as session:
                    found = influencers_repo.search_influencers(
                        session, platform=platform, query=name or None, limit=40
                    )
            except ValidationError as exc:
                show_error(exc)
                found = []
            invited = {i.influencer_id for i in invitations}
            shown = {f.id: f for f in found}

            def influencer_option(influencer_id: uuid.UUID) -> str:
                f = shown[influencer_id]
                text = (
                    f"{f.name} · {platform_label(f.platform)} · {t('col.followers')} {format_count(f.followers)}"
                    f" · {format_krw(f.base_fee)}"
                )
                return text + (f" · {t('invite.already')}" if influencer_id in invited else "")

            with st.form(f"invite_{cid}", clear_on_submit=True):
                chosen = st.multiselect(
                    t("invite.pick", n=len(found)), options=list(shown), format_func=influencer_option,
                    placeholder=t("invite.pick_hint"), key=f"invite_pick_{platform}_{name}",
                )
                send = st.form_submit_button(t("invite.submit"), icon=":material/person_add:")
            if send:
                try:
                    with unit_of_work(actor) as session:
                        result = invitations_repo.invite_influencers(
                            session, campaign_id=cid, influencer_ids=chosen
                        )
                except DomainError as exc:
                    show_error(exc)
                else:
                    message = t("invite.done", n=len(result.invited), names=md(", ".join(result.invited) or "—"))
                    if result.already:
                        message += " " + t("invite.already_named", names=md(", ".join(result.already)))
                    flash(message)

    with handle_col:
        st.markdown(f"**{t('invitation.handle')}**")
        if not invitations:
            st.caption(t("invitations.none"))
        else:
            by_id = {i.id: i for i in invitations}
            # The label must not change with the status: the selectbox would lose its pick when it does.
            picked = st.selectbox(
                t("invitation.pick"), options=list(by_id),
                format_func=lambda i: f"{by_id[i].influencer} · {platform_label(by_id[i].platform)}",
                key=f"handle_{cid}",
            )
            inv = by_id[picked]
            st.caption(
                " · ".join(
                    [f"{t('col.status')}: **{invitation_label(inv.status)}**"]
                    + ([f"{t('invitations.proposed_fee')} {format_krw(inv.proposed_fee)}"] if inv.proposed_fee else [])
                    + ([f"{t('invitations.ad_fee')} {format_krw(inv.ad_fee)}"] if inv.ad_fee else [])
                )
            )
            key = str(inv.id)
            inv_seen = drawn_with(f"invitation_seen_{key}", (inv.status, inv.updated_at))
            # Once a campaign is over, its invitations only close (withdrawn, declined, completed): the database
            # refuses new proposals, fees and contracts there too.
            open_campaign = campaign.status not in ("cancelled", "completed")
            if open_campaign and inv.status in ("invited", "proposed"):
                with st.form(f"proposal_{key}"):
                    st.caption(t("invitation.proposal"))
                    fee = st.number_input(
                        t("invitations.proposed_fee"), min_value=0, step=100_000, format="%d",
                        value=int(inv.proposed_fee) if inv.proposed_fee is not None else None, key=f"fee_{key}",
                    )
                    deliverables = st.text_area(
                        t("invitations.deliverables_lines"), value="\n".join(inv.deliverables), height=80,
                        max_chars=4000, key=f"deliverables_{key}",
                    )
                    terms = st.text_area(
                        t("invitations.terms"), value=inv.additional_terms or "", height=68, max_chars=2000,
                        key=f"terms_{key}",
                    )
                    record = st.form_submit_button(t("invitation.record"), icon=":material/edit_note:")
                if record:
                    _record(
                        (inv.id, inv_seen), invitations_repo.record_proposal, "proposal", ProposalInput,
                        _won("proposed_fee", fee) | {
                            "deliverables": [line.strip() for line in deliverables.splitlines() if line.strip()],
                            "additional_terms": terms,
                        },
                        t("invitation.recorded", name=md(inv.influencer)),
                    )
            if open_campaign and inv.status == "proposed":
                with st.form(f"agree_{key}"):
                    others = sum(
                        (i.ad_fee or Decimal(0) for i in invitations if i.status in INVITATION_AGREED), Decimal(0)
                    )
                    st.caption(
                        t("invitation.agree_hint", agreed=format_krw(others), budget=format_krw(campaign.budget))
                    )
                    ad_fee = st.number_input(
                        t("invitations.ad_fee"), min_value=0, step=100_000, format="%d",
                        value=int(inv.proposed_fee) if inv.proposed_fee is not None else None, key=f"ad_fee_{key}",
                    )
                    agree = st.form_submit_button(t("invitation.agree"), type="primary", icon=":material/handshake:")
                if agree:
                    _record(
                        (inv.id, inv_seen), invitations_repo.agree_fee, "agreement", AgreementInput,
                        _won("ad_fee", ad_fee),
                        t("invitation.agreed", name=md(inv.influencer), fee=format_krw(ad_fee or 0)),
                    )
            if open_campaign and inv.status == "accepted":
                with st.form(f"contract_{key}"):
                    start_col, end_col = st.columns(2)
                    production_start = start_col.date_input(
                        t("invitations.production_start"), value=campaign.campaign_start_date,
                        format="YYYY-MM-DD", key=f"pstart_{key}",
                    )
                    production_deadline = end_col.date_input(
                        t("invitations.production_deadline"), value=campaign.campaign_end_date,
                        format="YYYY-MM-DD", key=f"pend_{key}",
                    )
                    sign = st.form_submit_button(t("invitation.contract"), type="primary", icon=":material/contract:")
                if sign:
                    _record(
                        (inv.id, inv_seen), invitations_repo.contract, "contract", ContractInput,
                        {"production_start_date": production_start, "production_deadline": production_deadline},
                        t("invitation.contracted", name=md(inv.influencer)),
                    )
            simple = [s for s in invitation_next(inv.status) if s in ("declined", "withdrawn", "completed")]
            if simple:
                with st.form(f"invitation_move_{key}"):
                    to = st.radio(
                        t("invitation.other"), options=simple, format_func=invitation_label, horizontal=True,
                        key=f"invitation_to_{key}",
                    )
                    change = st.form_submit_button(t("invitation.change"))
                if change:
                    _act(
                        lambda s: invitations_repo.move_invitation(
                            s, invitation_id=inv.id, to=to, expected_status=inv_seen[0],
                            expected_updated_at=inv_seen[1],
                        ),
                        t("invitation.moved", name=md(inv.influencer), status=invitation_label(to)),
                    )
            elif inv.status not in ("invited", "proposed", "accepted"):
                st.caption(t("invitation.final"))

# -- history and terms -------------------------------------------------------------------------------------------

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("campaigns.history"))
    st.html(timeline_html(history, system=t("audit.system")))

# Staff change terms at any stage; a brand edits its own draft until it submits it (the database says the same).
if staff or campaign.status == "creating":
    with right:
        st.subheader(t("campaign.terms"))
        version_key = f"edit_version_{cid}"
        if not st.toggle(t("campaign.edit"), key=f"edit_on_{cid}"):
            st.session_state.pop(version_key, None)
        else:
            # The version the form was opened on: saving over someone else's later save is refused ("reload").
            version = st.session_state.setdefault(version_key, campaign.updated_at)
            stamp = f"{cid}_{version.isoformat() if version else ''}"
            with unit_of_work(actor) as session:
                products = {p.id: p.name for p in campaigns_repo.product_choices(session, brand_id=campaign.brand_id)}
            with st.form(f"edit_{stamp}"):
                product_id = st.selectbox(
                    t("new.product"), options=list(products), format_func=products.get,
                    index=list(products).index(campaign.product_id) if campaign.product_id in products else None,
                    key=f"edit_product_{stamp}",
                )
                values, slots = terms_fields(f"edit_{stamp}", Terms.of(campaign))
                save = st.form_submit_button(t("campaign.save"), type="primary", icon=":material/save:")
            if save:
                try:
                    terms_in, target_in = parse_terms(values, brand_id=campaign.brand_id, product_id=product_id)
                    with unit_of_work(actor) as session:
                        campaigns_repo.update_campaign(
                            session, campaign_id=cid, campaign=terms_in, target=target_in, expected_updated_at=version
                        )
                except ValidationError as exc:
                    if not exc.fields:
                        st.session_state.pop(version_key, None)
                    show_field_errors(exc, slots)
                except DomainError as exc:
                    show_error(exc)
                else:
                    st.session_state.pop(version_key, None)
                    flash(t("campaign.saved", title=md(terms_in.title)))
