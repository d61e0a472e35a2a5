"""Creating a campaign from the page (manager and brand user: bad input named per field, nothing saved) and the
inbox of notifications, through AppTest (issue 6); tests/test_pipeline_pages.py holds the board and campaign page."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import text

from circlue.db import unit_of_work
from circlue.repository import campaigns as campaigns_repo
from circlue.repository import notifications as notifications_repo
from circlue.repository.notifications import NotificationRow
from tests import test_pages, test_pipeline, test_pipeline_pages
from tests.conftest import actor_of
from tests.test_pipeline_pages import (
    GLOW,
    MANAGER,
    _errors,
    _move,
)

open_page = test_pipeline_pages.open_page
_fresh_caches = test_pages._fresh_caches
logged_in = test_pages.logged_in
make_campaign = test_pipeline.make_campaign


# -- creating a campaign ------------------------------------------------------------------------------------------


def _fill_terms(at, **values) -> None:
    defaults = {"title": "테스트 신규 캠페인", "budget": 30_000_000, "ad_type": "branding"}
    values = defaults | values
    at.text_input(key="new_title").input(values["title"])
    at.number_input(key="new_budget").set_value(values["budget"])
    at.radio(key="new_ad_type").set_value(values["ad_type"])
    for name in ("start", "end", "deadline"):
        if name in values:
            at.date_input(key=f"new_{name}").set_value(values[name])
    if "age" in values:
        at.text_input(key="new_age").input(values["age"])


def _product(owner_engine, email: str) -> tuple[uuid.UUID, uuid.UUID]:
    return test_pipeline._brand(owner_engine, email)


def test_manager_creates_a_campaign_and_lands_on_its_page(open_page, owner_engine):
    brand_id, product_id = _product(owner_engine, GLOW)
    at = open_page(MANAGER, "views/campaign_new.py")
    assert at.selectbox(key=f"new_product_{None}").disabled, "no product before a brand"
    at.selectbox(key="new_brand").set_value(brand_id).run()
    at.selectbox(key=f"new_product_{brand_id}").set_value(product_id)
    _fill_terms(at, age="20-29")
    at.multiselect(key="new_categories").set_value(["美妆", "护肤"])
    at.slider(key="new_usp").set_value(5)
    at.checkbox(key="new_secondary").check()
    at.button(key="FormSubmitter:new_campaign-캠페인 만들기").click().run()
    assert not at.exception, at.exception
    try:
        assert at.header[0].value == "테스트 신규 캠페인", [h.value for h in at.header] + _errors(at)
        assert any("만들었습니다" in s.value for s in at.success)
        with owner_engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT c.status, c.brand_id, c.product_id, c.budget, t.target_age, t.usp_importance,"
                    " t.influencer_categories, t.secondary_content_usage, c.manager_id IS NOT NULL"
                    " FROM campaigns c JOIN campaign_target_content t ON t.campaign_id = c.id"
                    " WHERE c.title = '테스트 신규 캠페인'"
                )
            ).one()
        assert tuple(row) == ("creating", brand_id, product_id, Decimal(30_000_000), "20-29", 5, ["美妆", "护肤"],
                              True, True)
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE title = '테스트 신규 캠페인'"))


def test_bad_input_names_each_field_keeps_values_and_saves_nothing(open_page, owner_engine):
    brand_id, product_id = _product(owner_engine, GLOW)
    today = dt.date.today()
    at = open_page(MANAGER, "views/campaign_new.py")
    at.selectbox(key="new_brand").set_value(brand_id).run()
    at.selectbox(key=f"new_product_{brand_id}").set_value(product_id)
    _fill_terms(
        at,
        title="잘못된 캠페인",
        budget=0,
        start=today + dt.timedelta(days=30),
        end=today + dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=40),
        age="30-20",
    )
    at.button(key="FormSubmitter:new_campaign-캠페인 만들기").click().run()
    assert not at.exception
    errors = _errors(at)
    assert "4개 항목을 고쳐 주세요." in errors, errors
    assert any("0보다 커야" in e for e in errors), errors
    assert any("종료일은 시작일 이후" in e for e in errors)
    assert any("제안 마감은 시작일 또는 그 이전" in e for e in errors)
    assert any("나이대의 앞 숫자가 뒤 숫자보다 클 수 없습니다" in e for e in errors), errors
    # What was typed stays; nothing was saved.
    assert at.text_input(key="new_title").value == "잘못된 캠페인"
    assert at.text_input(key="new_age").value == "30-20"
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM campaigns WHERE title = '잘못된 캠페인'")).scalar() == 0


def test_missing_brand_and_product_are_named(open_page):
    at = open_page(MANAGER, "views/campaign_new.py")
    at.text_input(key="new_title").input("브랜드 없는 캠페인")
    at.button(key="FormSubmitter:new_campaign-캠페인 만들기").click().run()
    errors = _errors(at)
    assert not at.exception
    # Brand, product, budget and ad type are required.
    assert "4개 항목을 고쳐 주세요." in errors, errors
    assert sum("필수 항목입니다" in e for e in errors) == 4


def test_brand_creates_for_its_own_brand_then_submits_it(open_page, owner_engine):
    brand_id, product_id = _product(owner_engine, GLOW)
    at = open_page(GLOW, "views/campaign_new.py")
    assert at.text_input(key="new_brand_fixed").value == "글로우랩" and at.text_input(key="new_brand_fixed").disabled
    at.selectbox(key=f"new_product_{brand_id}").set_value(product_id)
    _fill_terms(at, title="브랜드가 만든 캠페인")
    at.button(key="FormSubmitter:new_campaign-캠페인 만들기").click().run()
    try:
        assert at.header[0].value == "브랜드가 만든 캠페인", _errors(at)
        campaign_id = at.query_params["id"]
        _move(at, campaign_id, "submitted")
        assert any("→ 제출됨" in s.value for s in at.success), _errors(at)
        with owner_engine.connect() as conn:
            assert conn.execute(
                text("SELECT status FROM campaigns WHERE title = '브랜드가 만든 캠페인'")
            ).scalar() == "submitted"
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE title = '브랜드가 만든 캠페인'"))


# -- the inbox ----------------------------------------------------------------------------------------------------


def test_inbox_lists_a_move_opens_its_campaign_and_marks_read(open_page, make_campaign, app_engine, owner_engine):
    campaign_id = make_campaign("submitted")
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="recruiting", expected_status="submitted")
    brand = actor_of(GLOW)
    with unit_of_work(brand, engine=app_engine) as session:
        (latest,) = notifications_repo.list_notifications(session, limit=1)
    at = open_page(GLOW, "views/inbox.py")
    texts = " ".join(m.value for m in at.markdown)
    assert "제출됨 → **모집 중**" in texts and "파이프라인 테스트 캠페인" in texts
    at.button(key=f"read-{latest.id}").click().run()
    assert any("1건을 읽음으로 표시했습니다." in s.value for s in at.success)
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT is_read FROM notifications WHERE id = :i"), {"i": latest.id}).scalar()
    # Open goes to the campaign's page in the same session.
    at.button(key=f"open-{latest.id}").click().run()
    assert at.query_params.get("id") == str(campaign_id)
    assert at.header[0].value.startswith("파이프라인 테스트 캠페인")


def test_inbox_marks_all_read(open_page, make_campaign, app_engine):
    make_campaign("recruiting")  # the moves notify the brand
    at = open_page(GLOW, "views/inbox.py")
    at.toggle(key="inbox_unread_only").set_value(True).run()
    at.button(key="inbox_mark_all").click().run()
    assert any("읽음으로 표시했습니다." in s.value for s in at.success)
    assert "읽지 않은 알림이 없습니다." in [i.value for i in at.info]
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        assert notifications_repo.unread_count(session) == 0


def test_menu_entry_shows_the_unread_count():
    from circlue.ui.navigation import _BY_URL, _title

    assert _title(_BY_URL["inbox"], 3) == "알림 (3)"
    assert _title(_BY_URL["inbox"], 99) == "알림 (99)" and _title(_BY_URL["inbox"], 100) == "알림 (99+)"
    assert _title(_BY_URL["inbox"], 0) == "알림"
    assert _title(_BY_URL["pipeline"], 3) == "캠페인"


def _notice(kind: str, **data) -> NotificationRow:
    return NotificationRow(uuid.uuid4(), kind, "제목", "message", data, False, dt.datetime.now(dt.UTC))


def test_notification_text_comes_from_type_and_data_escaped():
    from circlue.ui.notices import describe

    headline, detail = describe(_notice("campaign.status", campaign_title="**굵게** [x](y)", to="recruiting",
                                        **{"from": "submitted"}))
    assert headline == "'\\*\\*굵게\\*\\* \\[x\\]\\(y\\)' 단계 변경" and detail == "제출됨 → **모집 중**"
    headline, detail = describe(
        _notice("invitation.status", campaign_title="봄", influencer="小红_1", to="accepted", proposed_fee=5000000,
                ad_fee="4500000.00", **{"from": "proposed"})
    )
    assert headline == "'봄' · 小红\\_1"
    assert detail == "제안 받음 → **합의** · 제안 ₩5,000,000 · 합의 ₩4,500,000"
    assert describe(_notice("campaign.created", campaign_title="봄"))[0] == "'봄' 캠페인이 준비되었습니다"
    assert describe(_notice("system"))[0] == "제목"
