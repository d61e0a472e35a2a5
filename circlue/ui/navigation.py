"""Which pages exist and which roles may open them: one table for app.py and the pages' own checks."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from circlue.db import Actor
from circlue.ui.auth import login_page, require_role
from circlue.ui.i18n import t

ALL = ("brand", "manager", "admin")
STAFF = ("manager", "admin")
ADMIN = ("admin",)
# Menu sections (message keys); home and the inbox sit above them, without a header.
WORK, CONTENT, MONEY, ACCOUNT = "nav.section.work", "nav.section.content", "nav.section.money", "nav.section.account"


@dataclass(frozen=True)
class PageSpec:
    """A page file, its title key, URL path, icon and the roles that may see it."""

    path: str
    title_key: str
    url_path: str
    icon: str
    roles: tuple[str, ...]
    section: str = ""
    hidden: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/home.py", "nav.home", "home", ":material/home:", ALL),
    PageSpec("views/inbox.py", "nav.inbox", "inbox", ":material/notifications:", ALL),
    # Staff keep every brand here; a brand user sees its own brand, edits its story and products.
    PageSpec("views/brands.py", "nav.brands", "brands", ":material/storefront:", ALL, WORK),
    # The campaign pipeline (issue 6): the board, a new campaign, one campaign (?id=, not a menu entry).
    PageSpec("views/pipeline.py", "nav.campaigns", "pipeline", ":material/view_kanban:", ALL, WORK),
    PageSpec("views/campaign_new.py", "nav.campaign_new", "campaign_new", ":material/add_circle:", ALL, WORK),
    PageSpec("views/campaign.py", "nav.campaign", "campaign", ":material/campaign:", ALL, WORK, hidden=True),
    PageSpec("views/influencers.py", "nav.influencers", "influencers", ":material/groups:", STAFF, WORK),
    # Content review (issue 8): everyone reviews what they may see; staff prepare content for influencers.
    PageSpec("views/review.py", "nav.review", "review", ":material/rate_review:", ALL, CONTENT),
    PageSpec("views/content.py", "nav.content", "content", ":material/movie_edit:", STAFF, CONTENT),
    # Performance analytics (issue 10).
    PageSpec("views/performance.py", "nav.performance", "performance", ":material/monitoring:", ALL, CONTENT),
    PageSpec("views/compare.py", "nav.compare", "compare", ":material/compare_arrows:", STAFF, CONTENT),
    PageSpec(
        "views/metrics_import.py", "nav.metrics_import", "metrics-import", ":material/upload_file:", STAFF, CONTENT
    ),
    PageSpec("views/settlements.py", "nav.settlements", "settlements", ":material/payments:", ALL, MONEY),
    PageSpec("views/users.py", "nav.users", "users", ":material/manage_accounts:", ADMIN, ACCOUNT),
    PageSpec("views/audit.py", "nav.audit", "audit", ":material/history:", ADMIN, ACCOUNT),
    PageSpec("views/password.py", "nav.password", "password", ":material/password:", ALL, ACCOUNT),
)
_BY_URL = {p.url_path: p for p in PAGES}


def pages_for(role: str) -> list[PageSpec]:
    """The pages a role may see, in menu order."""
    return [p for p in PAGES if role in p.roles]


def page_path(url_path: str) -> str:
    """The file of the page at `url_path`, for st.page_link and st.switch_page."""
    return _BY_URL[url_path].path


# The menu counts unread notifications up to here; beyond, it says 99+.
UNREAD_CAP = 100


def _title(page: PageSpec, unread: int) -> str:
    title = t(page.title_key)
    if page.url_path != "inbox" or not unread:
        return title
    return f"{title} ({UNREAD_CAP - 1}+)" if unread >= UNREAD_CAP else f"{title} ({unread})"


def build_navigation(role: str, *, password_due: bool = False, unread: int = 0) -> st.navigation:
    """st.navigation over the role's pages (home is the landing, the inbox shows `unread`); only the password page
    while a new password is due."""
    if password_due:
        spec = _BY_URL["password"]
        return st.navigation([st.Page(spec.path, title=t(spec.title_key), url_path=spec.url_path, default=True)])
    sections: dict[str, list[st.Page]] = {}
    for p in pages_for(role):
        page = st.Page(
            p.path,
            title=_title(p, unread),
            url_path=p.url_path,
            icon=p.icon,
            default=p.url_path == "home",
            visibility="hidden" if p.hidden else "visible",
        )
        sections.setdefault(t(p.section) if p.section else "", []).append(page)
    # Expanded: an admin has fifteen pages, and Streamlit otherwise folds all past the tenth behind "View more".
    return st.navigation(sections, expanded=True)


def login_navigation() -> st.navigation:
    """Hidden navigation for logged-out visitors: every page's URL shows the login screen."""
    return st.navigation(
        [st.Page(login_page, title=t("login.form"), url_path=p.url_path, default=p.url_path == "home") for p in PAGES],
        position="hidden",
    )


def guard(url_path: str) -> Actor:
    """A page's own role check, from the same table the menu is built from."""
    return require_role(*_BY_URL[url_path].roles)
