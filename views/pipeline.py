"""Pipeline board: a column per stage with its totals and cards, filters, and a way into each campaign."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import ValidationError
from circlue.repository import campaigns as campaigns_repo
from circlue.repository.board import BoardFilter, pipeline_board
from circlue.schemas.campaigns import AD_TYPES
from circlue.ui.flash import show_error, show_flash
from circlue.ui.format import format_count, format_date, format_krw, today_seoul
from circlue.ui.i18n import status_label, t
from circlue.ui.navigation import STAFF, guard, page_path
from circlue.ui.pipeline_html import board_html, setup
from circlue.workflow import CAMPAIGN_STATUSES

# Cards drawn per column on the board, rows per stage in the table: the totals always count every match.
BOARD_CARDS = 8
TABLE_ROWS = 50

actor = guard("pipeline")
today = today_seoul()
setup(wide=True)

head, new = st.columns([5, 1], vertical_alignment="bottom")
head.header(t("nav.campaigns"))
new.page_link(page_path("campaign_new"), label=t("nav.campaign_new"), icon=":material/add_circle:")
show_flash()

with unit_of_work(actor) as session:
    brands = {b.id: b.name for b in campaigns_repo.brand_choices(session)}
    # A brand user has its own brand (RLS); the picker only matters to staff and to a user with several.
    pick_brand = actor.role in STAFF or len(brands) > 1
    cells = iter(st.columns([2.2, 1.7, 2.5, 1.4, 2.3] if pick_brand else [2.6, 3, 1.6, 2.6]))
    query = next(cells).text_input(
        t("board.search"), key="board_query", max_chars=100, placeholder=t("board.search_hint"),
        persist_state="session",
    )
    brand_id = None
    if pick_brand:
        brand_id = next(cells).selectbox(
            t("col.brand"), options=list(brands), index=None, format_func=brands.get,
            placeholder=t("filter.all"), key="board_brand", persist_state="session",
        )
    stages = next(cells).multiselect(
        t("board.stages"), options=list(CAMPAIGN_STATUSES), format_func=status_label,
        placeholder=t("board.stages_all"), key="board_stages", persist_state="session",
    )
    ad_type = next(cells).selectbox(
        t("board.ad_type"), options=list(AD_TYPES), index=None, format_func=lambda a: t(f"ad_type.{a}"),
        placeholder=t("filter.all"), key="board_ad_type", persist_state="session",
    )
    # A period: campaigns running at some point inside it (one date picked so far means "from then on").
    period = next(cells).date_input(
        t("board.period"), value=(), key="board_period", format="YYYY-MM-DD", persist_state="session"
    )
    starts_from, ends_until = (tuple(period) + (None, None))[:2]
    view_cell, open_cell = st.columns([1, 5], vertical_alignment="bottom")
    view = view_cell.segmented_control(
        t("board.view"), options=["board", "table"], default="board", required=True,
        format_func=lambda v: t(f"board.view.{v}"), key="board_view", persist_state="session",
        label_visibility="collapsed",
    )
    filters = BoardFilter(
        brand_id=brand_id,
        statuses=tuple(stages),
        ad_type=ad_type,
        starts_from=starts_from,
        ends_until=ends_until,
        query=query or None,
    )
    try:
        columns = pipeline_board(
            session, filters=filters, today=today, per_stage=TABLE_ROWS if view == "table" else BOARD_CARDS
        )
    except ValidationError as exc:
        show_error(exc)
        st.stop()

cards = [card for column in columns for card in column.cards]
total = sum(c.count for c in columns)
overdue = sum(card.overdue for card in cards)
summary = t("board.summary", n=format_count(total), budget=format_krw(sum(c.budget for c in columns)))
if overdue:
    summary += " · " + t("board.overdue_shown", n=format_count(overdue))
# Said above the board: below it, the tallest column can push the line out of sight.
st.caption(summary + "  \n" + (t("board.table_hint", n=format_count(TABLE_ROWS)) if view == "table"
                               else t("board.hint", n=BOARD_CARDS)))

by_id = {card.id: card for card in cards}
picked = open_cell.selectbox(
    t("board.open"),
    options=list(by_id),
    index=None,
    format_func=lambda cid: f"{by_id[cid].title} · {by_id[cid].brand} · {status_label(by_id[cid].status)}",
    placeholder=t("board.open_hint", n=format_count(len(by_id))),
    key="board_open",
    label_visibility="collapsed",
)
if picked is not None:
    st.switch_page(page_path("campaign"), query_params={"id": str(picked)})

if view == "table":
    frame = pd.DataFrame(
        {
            t("col.status"): [status_label(c.status) for c in cards],
            t("col.title"): [c.title for c in cards],
            t("col.brand"): [c.brand for c in cards],
            t("col.budget"): [format_krw(c.budget) for c in cards],
            t("col.start"): [format_date(c.campaign_start_date) for c in cards],
            t("col.end"): [format_date(c.campaign_end_date) for c in cards],
            t("col.deadline"): [
                ("⚠ " if c.overdue else "") + format_date(c.proposal_deadline) for c in cards
            ],
            t("board.col.days"): [c.days_in_stage for c in cards],
        }
    )
    selection = st.dataframe(
        frame, hide_index=True, on_select="rerun", selection_mode="single-row", key="board_table", height=560
    )
    rows = selection.selection.rows if selection else []
    if rows:
        st.switch_page(page_path("campaign"), query_params={"id": str(cards[rows[0]].id)})
else:
    st.html(board_html(columns))
