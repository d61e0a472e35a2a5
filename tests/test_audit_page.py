"""The audit viewer (views/audit.py): typed text shown as text, a selection that never points into another list,
every action and audited table offered, keyset pages, and an export of every match."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from circlue.db import unit_of_work
from circlue.repository import audit as audit_repo
from circlue.ui.text import md
from tests.conftest import actor_of
from tests.test_pages import ROOT, _login_state

ADMIN = "admin@circlue.demo"
PAGE = str(ROOT / "views" / "audit.py")


@pytest.fixture
def audit_page(app_engine):
    """The audit page as the admin, with session state set before its first run."""

    def _open(**state: object) -> AppTest:
        at = AppTest.from_file(PAGE, default_timeout=60)
        _login_state(at, actor_of(ADMIN))
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    return _open


def _select(at: AppTest, row: int) -> AppTest:
    """Pick a row of the table on screen, as a click in it does."""
    at.session_state[_table_key(at)] = {"selection": {"rows": [row], "columns": []}}
    return at.run()


def _table_key(at: AppTest) -> str:
    import hashlib

    view = at.session_state["audit_view"]
    return f"audit_table_{hashlib.sha256(view['filters'].encode()).hexdigest()[:12]}_{view['moves']}"


def _detail(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


# -- F1: what a user typed (or its browser sent) is shown as text ---------------------------------------------------


def test_the_detail_shows_a_user_agent_and_names_as_text(app_engine, audit_page):
    agent = "![x](https://evil.example/beacon.png) [**Verify your admin account**](https://evil.example/login)"
    brand = actor_of("brand.glow@circlue.demo", user_agent=agent)
    with unit_of_work(brand, engine=app_engine) as session:  # any write records the browser's user agent
        session.execute(text("UPDATE users SET name = name WHERE id = :u"), {"u": brand.user_id})
    at = _select(audit_page(audit_entity_id=str(brand.user_id)), 0)
    assert not at.exception
    shown = next(c.value for c in at.caption if "beacon" in c.value)
    assert shown.endswith(md(agent)) and "](https" not in shown
    (subheader,) = _detail(at)
    assert md("brand.glow@circlue.demo") in subheader and md(str(brand.user_id)) in subheader


# -- F3: the selection belongs to the list it was made in ------------------------------------------------------------


def test_a_selection_does_not_outlive_a_filter_change(audit_page, owner_engine):
    at = _select(audit_page(), 19)
    assert not at.exception and _detail(at), "row 20 of the newest entries is shown"
    with owner_engine.connect() as conn:
        entity = conn.execute(
            text("SELECT entity_id FROM audit_logs WHERE entity_type = 'brands' GROUP BY entity_id"
                 " HAVING count(*) BETWEEN 1 AND 5 LIMIT 1")
        ).scalar()
    at.text_input(key="audit_entity_id").input(str(entity)).run()
    assert not at.exception, at.exception
    assert not _detail(at), "the row picked in the old list is not carried into the new one"
    assert len(at.dataframe[0].value) <= 5


def test_a_selection_out_of_the_page_shows_nothing(audit_page):
    at = _select(audit_page(), 10_000)
    assert not at.exception and not _detail(at)


def test_the_picked_entry_stays_put_while_others_write(app_engine, audit_page, owner_engine):
    at = _select(audit_page(), 3)
    before = _detail(at)
    with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
        for _ in range(3):  # three newer entries: an unpinned list would have moved row 4 down by three
            session.execute(text("UPDATE campaigns SET description = description WHERE id ="
                                 " (SELECT id FROM campaigns ORDER BY id LIMIT 1)"))
    at.run()
    assert not at.exception and _detail(at) == before
    assert not at.button(key="audit_newer").disabled, "the page says that newer entries exist"


# -- F8: every action and audited table; pages; the export -------------------------------------------------------------


def test_every_action_and_every_audited_table_can_be_asked_for(audit_page, app_engine, owner_engine):
    with owner_engine.connect() as conn:
        audited = set(conn.execute(text(
            "SELECT c.relname FROM circlue_trigger_tables t JOIN pg_class c ON c.oid = t.table_name"
            " WHERE t.function_name = 'circlue_audit'"
        )).scalars())
    assert {"metric_imports", "content_comments", "payments"} <= audited
    at = audit_page()
    assert not at.exception
    assert audited <= set(at.selectbox(key="audit_entity").options)
    assert {"INSERT", "UPDATE", "DELETE", "IMPORT"} <= set(at.selectbox(key="audit_action").options)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        audit_repo.list_audit_logs(session, filters=audit_repo.AuditFilter(action="IMPORT"))
    at.selectbox(key="audit_action").set_value("IMPORT").run()
    assert not at.exception


def test_older_and_newer_pages(audit_page):
    at = _select(audit_page(), 2)
    first = at.dataframe[0].value
    assert len(first) == 100 and at.button(key="audit_newer").disabled and _detail(at)
    at.button(key="audit_older").click().run()
    assert not at.exception and not _detail(at), "a row picked on the first page is not picked on the next"
    second = at.dataframe[0].value
    assert len(second) > 0 and not at.button(key="audit_newer").disabled
    # Older: each page starts where the last ended (minutes as shown; the entries' keys never overlap).
    assert second.iloc[0, 0] <= first.iloc[-1, 0]
    at.button(key="audit_newer").click().run()
    assert at.dataframe[0].value.equals(first)


def test_the_export_holds_every_match_not_only_the_page(app_engine):
    from circlue.ui.audit import export_maker

    filters = audit_repo.AuditFilter(entity_type="influencers")
    made = export_maker(actor_of(ADMIN), filters)()
    rows = list(csv.reader(io.StringIO(made.decode("utf-8-sig"))))
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        expected = len(audit_repo.list_audit_logs(session, filters=filters, limit=5000))
    assert expected > 100, "more than a page: the test would prove nothing"
    assert len(rows) - 1 == expected
    assert rows[0][-3:] == ["브라우저", "old_values", "new_values"]


def test_every_match_is_read_in_keyset_pages(app_engine):
    filters = audit_repo.AuditFilter(entity_type="campaigns", since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        whole = audit_repo.list_audit_logs(session, filters=filters, limit=5000)
        paged = list(audit_repo.every_match(session, filters=filters, page=7))
    assert len(whole) > 7 and [r.id for r in paged] == [r.id for r in whole]
