"""The pipeline's dense views as one HTML element each: the board, the stage track, key facts, the timeline.

Hundreds of cards as Streamlit widgets take seconds to draw; one escaped HTML element takes milliseconds. Every
value that a person typed (titles, brand names, notes) goes through html.escape here, and nothing else builds HTML.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode

import streamlit as st

from circlue.repository.board import DEADLINE_STAGES, BoardColumn
from circlue.repository.campaigns import StatusChange
from circlue.ui.format import format_date, format_datetime, format_krw
from circlue.ui.i18n import status_label, t
from circlue.workflow import CAMPAIGN_STAGES

# Colour of a stage's column: intake, deal-making, production, on air, done, cancelled.
_PHASES: dict[str, str] = {
    "creating": "#6B7280",
    "submitted": "#6B7280",
    "recruiting": "#5B4BDB",
    "proposing": "#5B4BDB",
    "revising": "#5B4BDB",
    "confirmed": "#0F7B7D",
    "planning": "#0F7B7D",
    "producing": "#0F7B7D",
    "content-review": "#0F7B7D",
    "live": "#2E7D32",
    "monitoring": "#2E7D32",
    "completed": "#374151",
    "cancelled": "#9CA3AF",
}

_CSS = """<style>
.cl-board{display:flex;gap:10px;overflow-x:auto;padding:2px 2px 10px;align-items:flex-start}
.cl-col{flex:0 0 218px;background:#F5F4FB;border-radius:10px;padding:8px 8px 6px;border-top:4px solid var(--phase)}
.cl-col.cl-none{flex-basis:112px;background:#FAFAFC}
.cl-col-h{display:flex;justify-content:space-between;align-items:baseline;gap:6px}
.cl-col-h b{font-size:.92rem;color:#1F2937}
.cl-n{font-size:.8rem;font-weight:600;color:#fff;background:var(--phase);border-radius:9px;padding:0 7px}
.cl-sum{font-size:.78rem;color:#4B5563;margin:2px 0 4px;font-variant-numeric:tabular-nums}
.cl-card{background:#fff;border:1px solid #E2E0EE;border-radius:8px;padding:6px 8px;margin-top:6px;font-size:.78rem;
  line-height:1.35;color:#374151}
.cl-card.cl-late{border-left:4px solid #C62828}
.cl-card a{font-weight:600;font-size:.84rem;color:#1F2937;text-decoration:none;display:-webkit-box;
  -webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.cl-card a:hover{color:#5B4BDB;text-decoration:underline}
.cl-brand{color:#6B7280;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.cl-row{display:flex;justify-content:space-between;gap:6px;font-variant-numeric:tabular-nums}
.cl-money{font-weight:600;color:#111827}
.cl-muted{color:#6B7280}
.cl-flag{display:inline-block;margin-top:3px;padding:0 6px;border-radius:6px;background:#FDECEA;color:#B71C1C;
  font-weight:600}
.cl-more,.cl-empty{font-size:.76rem;color:#6B7280;padding:6px 2px 0}
.cl-track{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0 8px}
.cl-step{font-size:.74rem;padding:2px 8px;border-radius:10px;background:#EEF0F3;color:#6B7280}
.cl-step.cl-done{background:#E7E4FB;color:#4338CA}
.cl-step.cl-now{background:#5B4BDB;color:#fff;font-weight:600}
.cl-step.cl-stop{background:#FDECEA;color:#B71C1C;font-weight:600}
.cl-facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:8px;margin:4px 0 10px}
.cl-fact{background:#F5F4FB;border-radius:8px;padding:8px 10px}
.cl-fact span{display:block;font-size:.75rem;color:#6B7280}
.cl-fact b{font-size:.98rem;color:#111827;font-variant-numeric:tabular-nums;white-space:nowrap}
.cl-fact.cl-late b{color:#B71C1C}
.cl-fact small{display:block;font-size:.82rem;font-weight:600;color:#111827;font-variant-numeric:tabular-nums}
.cl-tl{list-style:none;margin:0;padding:0 0 0 4px;border-left:2px solid #E2E0EE}
.cl-tl li{position:relative;padding:0 0 10px 14px;font-size:.84rem;color:#374151}
.cl-tl li:before{content:"";position:absolute;left:-7px;top:4px;width:10px;height:10px;border-radius:50%;
  background:#5B4BDB}
.cl-tl .cl-when{color:#6B7280;font-size:.76rem;font-variant-numeric:tabular-nums}
.cl-tl q{display:block;color:#4B5563;font-style:italic;quotes:none;white-space:pre-wrap}
</style>"""

# Plain links reload the page, which is a new Streamlit session (and the password again). This script turns a
# plain left click on our links into the in-app navigation Streamlit itself does on back/forward (popstate); a
# middle click, a new tab or a browser without the script still follows the link.
_LINK_SCRIPT = """<script>
if (!window.circlueLinks) {
  window.circlueLinks = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-circlue-page]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    window.history.pushState(null, "", link.href);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, true);
}
</script>"""


def campaign_href(campaign_id: uuid.UUID) -> str:
    """The campaign page's address relative to the app's pages (works under a base path too)."""
    return "campaign?" + urlencode({"id": str(campaign_id)})


def _link(campaign_id: uuid.UUID, text: str) -> str:
    return f'<a href="{escape(campaign_href(campaign_id))}" data-circlue-page="campaign">{escape(text)}</a>'


# The board needs the width more than the margins do.
_WIDE = "<style>[data-testid='stMainBlockContainer']{padding-left:2rem;padding-right:2rem;padding-top:3rem}</style>"


def setup(*, wide: bool = False) -> None:
    """Once per page run: the shared styles (a style-only element takes no room) and the in-session link handler."""
    st.html(_CSS + (_WIDE if wide else ""))
    st.html(_LINK_SCRIPT, unsafe_allow_javascript=True)


def _days(n: int) -> str:
    return t("board.today") if n == 0 else t("board.days", n=f"{n:,}")


def board_html(columns: Iterable[BoardColumn]) -> str:
    """Columns side by side (scrolling sideways), each with its totals, its cards and a '+N more' line."""
    parts = ['<div class="cl-board">']
    for column in columns:
        # An empty stage keeps its place in the pipeline but only as wide as its name, so the cards come into view.
        empty = " cl-none" if column.count == 0 else ""
        parts.append(
            f'<section class="cl-col{empty}" style="--phase:{_PHASES[column.status]}"'
            f' data-status="{escape(column.status)}">'
            f'<div class="cl-col-h"><b>{escape(status_label(column.status))}</b>'
            f'<span class="cl-n">{column.count:,}</span></div>'
            f'<div class="cl-sum">{escape(format_krw(column.budget)) if column.count else "&nbsp;"}</div>'
        )
        for card in column.cards:
            late = " cl-late" if card.overdue else ""
            deadline = (
                f'<span class="cl-flag">{escape(t("board.overdue", date=format_date(card.proposal_deadline)))}</span>'
                if card.overdue
                else ""
            )
            parts.append(
                f'<div class="cl-card{late}">{_link(card.id, card.title)}'
                f'<div class="cl-brand">{escape(card.brand)}</div>'
                f'<div class="cl-row"><span class="cl-money">{escape(format_krw(card.budget))}</span>'
                f'<span class="cl-muted">{escape(_days(card.days_in_stage))}</span></div>'
                f'<div class="cl-muted">{format_date(card.campaign_start_date)} → '
                f"{format_date(card.campaign_end_date)}</div>{deadline}</div>"
            )
        hidden = column.count - len(column.cards)
        if hidden > 0:
            parts.append(f'<div class="cl-more">{escape(t("board.more", n=f"{hidden:,}"))}</div>')
        elif column.count == 0:
            parts.append(f'<div class="cl-empty">{escape(t("board.empty"))}</div>')
        parts.append("</section>")
    parts.append("</div>")
    return "".join(parts)


def stage_track_html(status: str) -> str:
    """The eleven stages and completion as a row of steps: done, now, still to come (or cancelled)."""
    steps = [*CAMPAIGN_STAGES, "completed"]
    now = steps.index(status) if status in steps else -1
    parts = ['<div class="cl-track">']
    for n, step in enumerate(steps):
        kind = "cl-now" if n == now else "cl-done" if n < now else ""
        parts.append(f'<span class="cl-step {kind}">{n + 1 if n < 11 else "✓"}. {escape(status_label(step))}</span>')
    if status == "cancelled":
        parts.append(f'<span class="cl-step cl-stop">{escape(status_label("cancelled"))}</span>')
    parts.append("</div>")
    return "".join(parts)


def facts_html(facts: Iterable[tuple[str, str, bool]]) -> str:
    """Key figures in a grid of tiles that never cut an amount short: (label, value, warn).

    A value with a newline is two smaller lines (a period: start, end).
    """
    tiles = []
    for label, value, warn in facts:
        lines = value.split("\n")
        shown = f"<b>{escape(value)}</b>" if len(lines) == 1 else "".join(f"<small>{escape(x)}</small>" for x in lines)
        tiles.append(f'<div class="cl-fact{" cl-late" if warn else ""}"><span>{escape(label)}</span>{shown}</div>')
    return f'<div class="cl-facts">{"".join(tiles)}</div>'


def timeline_html(history: Iterable[StatusChange], *, system: str) -> str:
    """Status changes oldest first: when, from → to, who, and the note typed with the move."""
    items = []
    for change in history:
        move = status_label(change.to_status)
        if change.from_status:
            move = f"{status_label(change.from_status)} → {move}"
        note = f"<q>{escape(change.note)}</q>" if change.note else ""
        items.append(
            f'<li><span class="cl-when">{escape(format_datetime(change.changed_at))} · '
            f"{escape(change.changed_by or system)}</span><br><b>{escape(move)}</b>{note}</li>"
        )
    return f'<ul class="cl-tl">{"".join(items)}</ul>'


def deadline_passed(deadline: dt.date, today: dt.date, status: str) -> bool:
    """True while a campaign still waits for proposals and its proposal deadline is behind us."""
    return status in DEADLINE_STAGES and deadline < today
