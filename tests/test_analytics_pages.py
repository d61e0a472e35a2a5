"""Performance, comparison and import pages through AppTest: each role, RLS in what they show, actions, queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from tests.conftest import actor_of, statements_sent
from tests.test_pages import _login_state

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_caches(migrated_url):
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _page(email: str, page: str, lang: str = "ko") -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    at.session_state["lang"] = lang
    _login_state(at, actor_of(email))
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.header, *at.subheader, *at.markdown, *at.caption, *at.error, *at.info, *at.success)]
    return "\n".join(str(p) for p in parts)


def test_brand_dashboard_shows_tiles_charts_and_only_its_own_campaigns(app_engine, owner_engine):
    at = _page("brand.glow@circlue.demo", "views/performance.py").run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    for label in ("조회수", "참여수", "참여율", "매출", "집행 비용", "참여당 비용(CPE)", "ROAS"):
        assert label in labels
    assert any(m.value.startswith("₩") for m in at.metric)
    assert "ROAS" in _texts(at) and "집행으로" in _texts(at), "the one-sentence summary is missing"
    assert len(at.get("plotly_chart")) >= 5
    with owner_engine.connect() as conn:
        own = set(conn.execute(text(
            "SELECT c.title FROM campaigns c JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
            " WHERE u.email = 'brand.glow@circlue.demo'")).scalars())
        others = set(conn.execute(text(
            "SELECT c.title FROM campaigns c JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
            " WHERE u.email <> 'brand.glow@circlue.demo'")).scalars())
    options = set(at.multiselect[0].options)
    assert options and options <= own and not (options & others)
    shown = set(at.dataframe[1].value.iloc[:, 3]) if len(at.dataframe) > 1 else set()
    assert shown <= own


def test_changing_the_date_range_and_campaign_filter(app_engine):
    at = _page("brand.glow@circlue.demo", "views/performance.py").run()
    views_90 = next(m.value for m in at.metric if m.label == "조회수")
    today = dt.date.today()
    at.date_input[0].set_value((today - dt.timedelta(days=6), today)).run()
    assert not at.exception
    views_7 = next(m.value for m in at.metric if m.label == "조회수")
    assert int(views_7.replace(",", "")) <= int(views_90.replace(",", ""))
    at.multiselect[0].select(at.multiselect[0].options[0]).run()
    assert not at.exception


def test_a_range_without_metrics_says_so(app_engine):
    at = _page("brand.glow@circlue.demo", "views/performance.py").run()
    at.date_input[0].set_value((dt.date(2001, 1, 1), dt.date(2001, 1, 31))).run()
    assert not at.exception
    assert "성과 데이터가 없습니다" in _texts(at)


def test_dashboard_reads_in_a_fixed_number_of_statements(app_engine):
    """No query per campaign, influencer or day: the page's statement count does not grow with the data."""
    at = _page("manager@circlue.demo", "views/performance.py")
    with statements_sent(app_engine) as sent:
        at.run()
    assert not at.exception
    reads = [s for s in sent if "performance_metrics" in s or "comment_analysis" in s]
    assert len(reads) <= 4, reads


def test_dashboard_in_english(app_engine):
    at = _page("brand.glow@circlue.demo", "views/performance.py", lang="en").run()
    assert not at.exception
    assert "Performance dashboard" in [h.value for h in at.header]
    assert "Views" in [m.label for m in at.metric]


def test_staff_compare_campaigns_side_by_side(app_engine):
    at = _page("manager@circlue.demo", "views/compare.py").run()
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert len(frame) >= 2 and "ROAS" in frame.columns
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("page", ["views/compare.py", "views/metrics_import.py"])
def test_brand_cannot_open_staff_analytics_pages(page, app_engine):
    at = _page("brand.glow@circlue.demo", page).run()
    assert not at.exception
    assert "이 페이지를 볼 권한이 없습니다." in [e.value for e in at.error]
    assert not at.dataframe


def test_import_page_offers_template_pairs_by_name_and_history(app_engine):
    at = _page("manager@circlue.demo", "views/metrics_import.py").run()
    assert not at.exception, at.exception
    assert "campaign_id,influencer_id" in at.code[0].value
    pair = at.selectbox(key="import_pair")
    assert len(pair.options) > 1 and "·" in pair.options[1]
