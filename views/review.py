"""Content review: the queue of plans and submissions waiting, oldest first; each item against its previous version.

Admins see everything and give the final approval; managers and brands (their own campaigns) ask for changes.
Actions run in button callbacks, so a review is saved before the page draws and one run shows the next item.
"""

import datetime as dt
import uuid

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import content as content_repo
from circlue.repository import content_review
from circlue.schemas.common import parse
from circlue.schemas.content import ReviewInput
from circlue.ui.content import content_status, kind_label, show_history, show_version, waited
from circlue.ui.content_diff import changes
from circlue.ui.format import format_datetime
from circlue.ui.i18n import platform_label, t
from circlue.ui.navigation import guard
from circlue.ui.text import md
from circlue.workflow import extra_round

actor = guard("review")
NOTICE = "review_notice"
now = dt.datetime.now(dt.UTC)


def _review(kind: str, item_id: uuid.UUID, expected: int, decision: str) -> None:
    """Button callback: one review round, saved before the page is drawn again."""
    feedback = st.session_state.get("review_feedback") if decision == "revision-requested" else None
    try:
        verdict = parse(ReviewInput, {"feedback": t("review.feedback")}, decision=decision, feedback=feedback)
        with unit_of_work(actor) as session:
            number = content_review.review(
                session, kind=kind, item_id=item_id, expected_round=expected, verdict=verdict,
                accept_extra_round=bool(st.session_state.get("review_accept_extra")),
            )
    except DomainError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    st.session_state[NOTICE] = ("success", t("review.approved" if decision == "approved" else "review.requested",
                                             n=number))
    for key in ("review_feedback", "review_accept_extra", "review_item"):
        st.session_state.pop(key, None)


def _from_the_oldest() -> None:
    """A filter changed: its page starts at the oldest item again (a cursor of the old filter hides older ones)."""
    st.session_state.pop("review_after", None)


st.header(t("review.title"))
notice = st.session_state.pop(NOTICE, None)
if notice:
    # Our own success text as is; an error may quote what someone typed.
    st.success(notice[1]) if notice[0] == "success" else st.error(md(notice[1]))

staff = actor.role in ("manager", "admin")
columns = st.columns(5 if staff else 4)
age_days = (0, 1, 3, 7)
with unit_of_work(actor) as session:
    choices = content_repo.queue_filters(session)
    picked = {}
    pickers = [("campaign", choices.campaigns), ("influencer", choices.influencers)]
    if staff:
        pickers.insert(1, ("brand", choices.brands))
    for column, (name, options) in zip(columns, pickers, strict=False):
        labels = {str(o.id): o.label for o in options}
        value = column.selectbox(
            t(f"review.filter.{name}"), [None, *labels], format_func=lambda v, lb=labels: t("filter.all") if v is None
            else lb[v], key=f"review_filter_{name}", on_change=_from_the_oldest,
        )
        picked[name] = uuid.UUID(value) if value else None
    content_type = columns[-2].selectbox(
        t("review.filter.type"), [None, "image", "video"],
        format_func=lambda v: t("filter.all") if v is None else t(f"type.{v}"), key="review_filter_type",
        on_change=_from_the_oldest,
    )
    age = columns[-1].selectbox(
        t("review.filter.age"), age_days,
        format_func=lambda n: t("review.age.any") if n == 0 else t("review.age.days", n=n), key="review_filter_age",
        on_change=_from_the_oldest,
    )
    after = st.session_state.get("review_after")
    query = {"campaign_id": picked.get("campaign"), "brand_id": picked.get("brand"),
             "influencer_id": picked.get("influencer"), "content_type": content_type,
             "older_than": now - dt.timedelta(days=age) if age else None}
    page = content_repo.review_queue(session, **query, after=after)
    if after is not None and not page.items:
        # A later page emptied (its items were reviewed): back to the oldest, where older items may still wait.
        st.session_state.pop("review_after", None)
        after = None
        page = content_repo.review_queue(session, **query, after=None)
    options = [f"{i.kind}:{i.id}" for i in page.items]
    if st.session_state.get("review_item") not in options:
        st.session_state.pop("review_item", None)
    current = st.session_state.get("review_item") or (options[0] if options else None)
    item = None
    if current:
        kind, _, raw_id = current.partition(":")
        item = content_repo.get_item(session, kind=kind, item_id=uuid.UUID(raw_id))

if not page.items:
    st.info(t("review.empty"))
    st.stop()

by_key = {f"{i.kind}:{i.id}": i for i in page.items}
st.caption(t("review.waiting", n=page.total))
st.selectbox(
    t("review.open"), options, key="review_item",
    format_func=lambda k: (
        f"{waited(by_key[k].waiting_since, now)} · {kind_label(by_key[k].kind)} · {t('type.' + by_key[k].content_type)}"
        f" · {by_key[k].campaign} · {by_key[k].influencer} · {t('review.round', n=by_key[k].round)}"
    ),
)
nav = st.columns([1, 1, 6])
if page.next_after and nav[0].button(t("review.more", n=len(page.items)), key="review_next"):
    st.session_state["review_after"] = page.next_after
    st.rerun()
if after and nav[1].button(t("review.first"), key="review_first"):
    st.session_state.pop("review_after", None)
    st.rerun()

st.subheader(
    f"{kind_label(item.kind)} · {t('type.' + item.content_type)} · {md(item.campaign)} · {md(item.influencer)}"
)
used = item.change_requests
st.caption(
    f"{md(item.brand)} · {platform_label(item.platform)} · {content_status(item.status)} · "
    f"{t('review.round', n=item.version)} · {format_datetime(item.status_changed_at)} · "
    f"{t('review.rounds_used', used=used, included=item.included_rounds)}"
)
answered = item.previous
if answered is not None and answered.status == "revision-requested":
    heading = t("review.answering", n=answered.number, who=md(answered.reviewer or "—"))
    st.info(f"**{heading}**  \n{md(answered.feedback)}")

left, right = st.columns(2)
with left:
    heading = t("review.previous", n=item.version - 1) if item.version > 1 else t("review.no_previous_title")
    st.markdown(f"#### {heading}")
    if item.version > 1:
        show_version(item, previous=True)
    else:
        st.caption(t("review.no_previous"))
with right:
    st.markdown(f"#### {t('review.current', n=item.version)}")
    show_version(item, previous=False)

if item.version > 1:
    st.markdown(f"#### {t('review.changes')}")
    diff = changes(item)
    if diff:
        st.code(diff, language="diff")
    else:
        st.caption(t("review.unchanged"))

st.markdown(f"#### {t('review.history')}")
show_history(item.rounds)

if item.status == "submitted":
    st.markdown(f"#### {t('review.actions')}")
    args = (item.kind, item.id, item.version)
    if actor.role == "admin":
        st.button(t("review.approve"), type="primary", key="review_approve", icon=":material/check:",
                  on_click=_review, args=(*args, "approved"))
    else:
        st.caption(t("review.brand_note") if actor.role == "brand" else t("review.manager_note"))
    with st.form("review_request", clear_on_submit=False, border=True):
        st.text_area(t("review.feedback"), key="review_feedback", max_chars=5000, height=100)
        if extra_round(used, item.included_rounds):
            st.warning(t("review.extra_warning", included=item.included_rounds, n=used + 1))
            st.checkbox(t("review.accept_extra"), key="review_accept_extra")
        st.form_submit_button(t("review.request"), icon=":material/edit_note:", on_click=_review,
                              args=(*args, "revision-requested"))

# The whole queue as a table only on request: 200 rows in the browser cost more than the item itself.
if st.toggle(t("review.show_table", n=page.total), key="review_show_table"):
    st.dataframe(
        pd.DataFrame(
            {
                t("col.waiting"): [waited(i.waiting_since, now) for i in page.items],
                t("col.kind"): [kind_label(i.kind) for i in page.items],
                t("col.type"): [t("type." + i.content_type) for i in page.items],
                t("col.campaign"): [i.campaign for i in page.items],
                t("col.brand"): [i.brand for i in page.items],
                t("col.influencer"): [i.influencer for i in page.items],
                t("col.round"): [i.round for i in page.items],
            }
        ),
        hide_index=True,
        key="review_queue_table",
    )
