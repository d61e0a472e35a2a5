"""The brands page (issue 6) as staff and as a brand user sees it: lists, forms that keep what was typed, stale
forms, and a fixed number of queries."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from circlue.db import unit_of_work
from circlue.repository import brands as repo
from circlue.ui.text import md
from tests.brand_helpers import (
    GLOW,
    HTTP,
    MANAGER,
    PAGE,
    brand_input,
    product_input,
    scalar,
)
from tests.conftest import actor_of, statements_sent
from tests.test_pages import _login_state
from tests.test_pipeline import _brand as _brand_of

# -- The page ---------------------------------------------------------------------------------------------------


def _page(who: str | uuid.UUID, **state) -> AppTest:
    """The brands page for a user with a live session (run on its own: the page checks the session itself)."""
    actor = actor_of(who)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "ko"
    _login_state(at, actor)
    for key, value in state.items():
        at.session_state[key] = value
    return at


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def _field_messages(at) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith(":red[")]


def test_staff_page_lists_brands_with_channel_names_in_chinese(owner_engine):
    at = _page(MANAGER).run()
    assert not at.exception, at.exception
    assert "브랜드" in [h.value for h in at.header]
    frame = at.dataframe[0].value
    assert set(frame["브랜드"]) >= {"글로우랩", "루미에르", "서울스타일", "한맛"}
    glow = frame[frame["브랜드"] == "글로우랩"].iloc[0]
    assert "티몰 글로벌 (天猫国际)" in glow["판매 채널"] and "샤오홍슈 (小红书)" in glow["SNS 채널"]
    assert glow["제품 수"] == scalar(
        owner_engine, "SELECT count(*) FROM products p JOIN brands b ON b.id = p.brand_id WHERE b.name = '글로우랩'"
    )
    prices = at.dataframe[1].value["가격"]  # the products of the brand picked first
    assert len(prices) > 0 and prices.str.fullmatch(r"₩\d{1,3}(,\d{3})*").all()


def test_staff_create_a_brand_from_the_page(owner_engine, brand_user):
    at = _page(MANAGER).run()
    at.text_input(key="brand_new_name").input("페이지 브랜드")
    at.selectbox(key="brand_new_user_id").set_value(str(brand_user))
    at.multiselect(key="brand_new_channels").set_value(["Tmall Global", "Douyin shop"])
    at.text_input(key="brand_new_channels_other").input("무신사 뷰티, 天猫")
    at.multiselect(key="brand_new_social_channels").set_value(["Xiaohongshu"])
    at.text_input(key="brand_new_website").input("https://page-brand.example.com")
    at = _click(at, "브랜드 등록")
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [f"브랜드 '{md('페이지 브랜드')}'을(를) 등록했습니다."]
    with owner_engine.connect() as conn:
        row = conn.execute(
            text("SELECT user_id, channels, social_channels, website FROM brands WHERE name = '페이지 브랜드'")
        ).one()
    assert tuple(row) == (
        brand_user, ["Tmall Global", "Douyin shop", "무신사 뷰티", "Tmall"], ["Xiaohongshu"],
        "https://page-brand.example.com",
    )
    assert at.text_input(key="brand_new_name").value == "", "the create form is empty again after a save"


def test_bad_brand_input_keeps_what_was_typed_and_marks_the_field(owner_engine, brand_user):
    at = _page(MANAGER).run()
    at.text_input(key="brand_new_name").input("잘못된 브랜드")
    at.selectbox(key="brand_new_user_id").set_value(str(brand_user))
    at.text_input(key="brand_new_website").input("www.no-scheme.example.com")
    at.text_area(key="brand_new_story").input("지켜져야 할 스토리")
    at = _click(at, "브랜드 등록")
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["저장하지 않았습니다. 아래에 표시된 1개 항목을 고쳐 주세요."]
    assert _field_messages(at) == [f":red[:material/error: {md(HTTP)}]"]
    assert at.text_input(key="brand_new_name").value == "잘못된 브랜드"
    assert at.text_input(key="brand_new_website").value == "www.no-scheme.example.com"
    assert at.text_area(key="brand_new_story").value == "지켜져야 할 스토리"
    assert scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '잘못된 브랜드'") == 0
    # Fixed, the same form saves.
    at.text_input(key="brand_new_website").input("https://fixed.example.com")
    at = _click(at, "브랜드 등록")
    assert not at.error and scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '잘못된 브랜드'") == 1


def test_staff_edit_a_product_with_a_bad_price_then_a_good_one(owner_engine, own_brand):
    brand_id, product_id = own_brand
    at = _page(MANAGER).run()
    at.text_input(key="brand_query").input("테스트 브랜드").run()
    at.selectbox(key="brand_pick").set_value(str(brand_id)).run()
    at.selectbox(key=f"product_pick_{brand_id}").set_value(str(product_id)).run()
    prefix = f"product_{product_id}_"
    assert at.text_input(key=prefix + "price").value == "22,000"
    at.text_input(key=prefix + "price").input("-1,000")
    at = _click(at, "제품 저장")
    assert not at.exception, at.exception
    assert len(_field_messages(at)) == 1 and "0 이상" in _field_messages(at)[0]
    assert at.text_input(key=prefix + "price").value == "-1,000"
    assert scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("22000.00")
    at.text_input(key=prefix + "price").input("₩31,500")
    at = _click(at, "제품 저장")
    assert [s.value for s in at.success] == [f"제품 '{md('시카 테스트 토너')}'을(를) 저장했습니다."]
    assert scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("31500.00")
    assert "₩31,500" in list(at.dataframe[1].value["가격"])


def test_a_stale_form_is_told_to_reload_and_reloads(owner_engine, own_brand):
    brand_id, _ = own_brand
    at = _page(MANAGER).run()
    at.text_input(key="brand_query").input("테스트 브랜드").run()
    at.selectbox(key="brand_pick").set_value(str(brand_id)).run()
    with owner_engine.begin() as conn:  # someone else saves meanwhile
        conn.execute(text("UPDATE brands SET marketing = '다른 사람의 수정' WHERE id = :id"), {"id": brand_id})
    prefix = f"brand_{brand_id}_"
    at.text_input(key=prefix + "category").input("내 수정")
    at = _click(at, "저장")
    assert any("reload" in e.value for e in at.error)
    assert scalar(owner_engine, "SELECT category FROM brands WHERE id = :id", id=brand_id) == "스킨케어"
    at.button(key=prefix + "reload").click().run()
    assert at.text_area(key=prefix + "marketing").value == "다른 사람의 수정"
    assert at.text_input(key=prefix + "category").value == "스킨케어"


def test_brand_page_shows_own_brand_read_only_with_story_and_products(owner_engine):
    at = _page(GLOW).run()
    assert not at.exception, at.exception
    assert "우리 브랜드" in [h.value for h in at.header]
    assert "글로우랩" in [s.value for s in at.subheader]
    keys = {w.key for w in (*at.text_input, *at.text_area, *at.selectbox, *at.multiselect)}
    glow_brand, _ = _brand_of(owner_engine, GLOW)
    assert f"story_{glow_brand}_story" in keys
    assert not any(k.startswith("brand_") for k in keys if k), "a brand user gets no brand form"
    texts = "\n".join(m.value for m in at.markdown)
    assert md("티몰 글로벌 (天猫国际)") in texts and "루미에르" not in texts
    assert set(at.dataframe[0].value["제품"]) == set(
        _names(owner_engine, "SELECT p.name FROM products p WHERE p.brand_id = :b", b=glow_brand)
    )


def _names(owner_engine, sql: str, **params) -> list[str]:
    with owner_engine.connect() as conn:
        return list(conn.execute(text(sql), params).scalars())


def test_brand_user_saves_its_story_and_adds_a_product_from_the_page(owner_engine, own_brand, brand_user):
    brand_id, _ = own_brand
    at = _page(brand_user).run()
    at.text_area(key=f"story_{brand_id}_story").input("페이지에서 쓴 스토리")
    at = _click(at, "저장")
    assert not at.exception and [s.value for s in at.success] == ["브랜드 스토리를 저장했습니다."]
    assert scalar(owner_engine, "SELECT story FROM brands WHERE id = :id", id=brand_id) == "페이지에서 쓴 스토리"
    prefix = f"product_new_{brand_id}_"
    at.text_input(key=prefix + "name").input("페이지 제품")
    at.text_input(key=prefix + "target_age").input("40-30")
    at.text_input(key=prefix + "price").input("15,000")
    at = _click(at, "제품 등록")
    assert _field_messages(at) and "the first age must not exceed the second" in _field_messages(at)[0]
    assert at.text_input(key=prefix + "name").value == "페이지 제품"
    at.text_input(key=prefix + "target_age").input("30-40")
    at = _click(at, "제품 등록")
    assert not at.error
    assert scalar(owner_engine, "SELECT price FROM products WHERE name = '페이지 제품' AND brand_id = :b", b=brand_id) == 15000


def test_a_user_without_a_brand_is_told_whom_to_ask(brand_user):
    at = _page(brand_user).run()
    assert not at.exception
    assert any("담당 매니저" in i.value for i in at.info)


def _statements(at) -> int:
    from circlue.db import app_engine

    with statements_sent(app_engine()) as statements:
        at.run()
    assert not at.exception, at.exception
    return len(statements)


@pytest.mark.parametrize("who", [MANAGER, "own"])
def test_the_page_reads_in_a_fixed_number_of_queries(app_engine, own_brand, brand_user, who):
    """No query per brand or product (N+1): more rows, the same number of statements."""
    brand_id, _ = own_brand
    who = brand_user if who == "own" else who

    before = _statements(_page(who, brand_pick=str(brand_id)))
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        for n in range(25):
            repo.create_product(session, brand_id=brand_id, product=product_input(name=f"추가 제품 {n:02d}"))
        for n in range(3):
            repo.create_brand(session, brand=brand_input(brand_user, name=f"추가 브랜드 {n}"))
    # Session check (2), then one transaction: actor, brands, brand users (staff only), products.
    assert _statements(_page(who, brand_pick=str(brand_id))) == before <= (6 if who == MANAGER else 5)
