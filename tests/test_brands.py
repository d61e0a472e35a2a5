"""Brands and products (issue 6): every rule through the schema and straight at the database, who may change
what, two people editing one row, and the page as staff and as a brand user sees it."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from circlue.db import set_actor, unit_of_work
from circlue.errors import Conflict, Forbidden, NotFound, ValidationError
from circlue.repository import brands as repo
from circlue.repository.refusals import as_domain_error
from circlue.schemas.brands import (
    BRAND_LABELS,
    PRODUCT_LABELS,
    SALES_CHANNELS,
    SOCIAL_CHANNELS,
    BrandInput,
    BrandStoryInput,
    ProductInput,
    split_channel_text,
    split_known,
)
from circlue.schemas.campaigns import CampaignInput, TargetContentInput
from circlue.schemas.common import parse
from circlue.security import hash_password
from circlue.ui.text import md
from tests.conftest import actor_of, statements_sent
from tests.test_pages import _login_state
from tests.test_pipeline import _brand as _brand_of

MANAGER, ADMIN = "manager@circlue.demo", "admin@circlue.demo"
GLOW, LUMIERE = "brand.glow@circlue.demo", "brand.lumiere@circlue.demo"
HTTP = "http:// 또는 https:// 로 시작하는 주소여야 합니다 / must be an http(s) address"
PAGE = str(Path(__file__).resolve().parent.parent / "views" / "brands.py")


def _brand_values(user_id, **overrides) -> dict:
    values = {
        "user_id": user_id,
        "name": "테스트 브랜드",
        "description": "민감 피부 테스트 브랜드",
        "website": "https://test-brand.example.com",
        "story": "성수동에서 시작했습니다.",
        "channels": ["天猫国际", "올리브영", "무신사 뷰티"],
        "marketing": "샤오홍슈 시딩 후 Tmall Global 전환",
        "social_channels": ["小红书", "instagram"],
        "category": "스킨케어",
        "logo_url": "https://cdn.example.com/logo.png",
    }
    return values | overrides


def _product_values(**overrides) -> dict:
    values = {
        "name": "시카 테스트 토너",
        "description": "저자극 토너",
        "purchase_url": "https://test-brand.example.com/p/1",
        "unit": "200ml",
        "price": "₩22,000",
        "ingredients": "병풀 추출물",
        "usage": "세안 후 화장솜에 덜어 사용",
        "effects": "진정",
        "usp": "병풀 70%",
        "target_gender": "female",
        "target_age": "20-29",
        "category": "토너",
        "image_url": "https://cdn.example.com/p/1.jpg",
    }
    return values | overrides


def _brand(user_id, **overrides) -> BrandInput:
    return parse(BrandInput, BRAND_LABELS, **_brand_values(user_id, **overrides))


def _product(**overrides) -> ProductInput:
    return parse(ProductInput, PRODUCT_LABELS, **_product_values(**overrides))


def _scalar(owner_engine, sql: str, **params):
    with owner_engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _run(app_engine, who: str | uuid.UUID, sql: str, **params) -> int:
    """One statement as `who` through the app role (RLS and triggers apply); returns the row count; rolled back."""
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor_of(who))
        try:
            return session.execute(text(sql), params).rowcount
        finally:
            session.rollback()


def _refused(app_engine, who: str | uuid.UUID, sql: str, **params) -> DBAPIError:
    """The database's refusal of a statement run as `who`, bypassing the schema and the repository."""
    with pytest.raises(DBAPIError) as info:
        _run(app_engine, who, sql, **params)
    return info.value


@pytest.fixture
def make_brand_user(owner_engine):
    """Brand users of the test's own; deleting them afterwards takes their brands and products with them."""
    made: list[uuid.UUID] = []

    def _make() -> uuid.UUID:
        with owner_engine.begin() as conn:
            made.append(
                conn.execute(
                    text(
                        "INSERT INTO users (email, password_hash, name, role)"
                        " VALUES (:e, :h, '테스트 담당자', 'brand') RETURNING id"
                    ),
                    {"e": f"brand.{uuid.uuid4().hex[:10]}@circlue.test", "h": hash_password("long enough password")},
                ).scalar_one()
            )
        return made[-1]

    yield _make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE id = ANY(:u)"), {"u": made})


@pytest.fixture
def brand_user(make_brand_user) -> uuid.UUID:
    """A brand user of the test's own."""
    return make_brand_user()


@pytest.fixture
def own_brand(app_engine, brand_user) -> tuple[uuid.UUID, uuid.UUID]:
    """(brand, product) created through the repository by the manager for brand_user."""
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand_id = repo.create_brand(session, brand=_brand(brand_user))
        product_id = repo.create_product(session, brand_id=brand_id, product=_product())
    return brand_id, product_id


# -- The schema: every rule with a message a person can act on -------------------------------------------------


def test_known_channels_are_stored_under_one_name_and_free_text_is_kept():
    brand = _brand(uuid.uuid4(), channels=[" 天猫国际 ", "tmall", "자사몰", "무신사 뷰티", "京东"], social_channels=None)
    assert brand.channels == ["Tmall Global", "Tmall", "Own mall", "무신사 뷰티", "JD"]
    assert brand.social_channels == []
    assert _brand(uuid.uuid4(), social_channels=["小红书", "B站", "RED note"]).social_channels == [
        "Xiaohongshu", "Bilibili", "RED note"
    ]
    # The same word is a shop among sales channels and an app among social ones.
    assert _brand(uuid.uuid4(), channels=["抖音小店"], social_channels=["抖音"]).model_dump()["channels"] == [
        "Douyin shop"
    ]


def test_channel_text_splits_and_known_channels_are_picked_back():
    assert split_channel_text("무신사 뷰티, 29CM，W컨셉、 이마트;\n컬리,, ") == ["무신사 뷰티", "29CM", "W컨셉", "이마트", "컬리"]
    assert split_known(["小红书", "Instagram", "RED note", "xiaohongshu"], social=True) == (
        ["Xiaohongshu", "Instagram"],
        ["RED note"],
    )


def test_every_known_channel_is_named_in_korean_and_english_with_its_chinese_name():
    from circlue.ui.i18n import MESSAGES

    for kind, channels in (("sales", SALES_CHANNELS), ("social", SOCIAL_CHANNELS)):
        for channel in channels:
            entry = MESSAGES[f"channel.{kind}.{channel.key}"]
            assert entry["ko"] and entry["en"]
            if channel.zh:
                assert channel.zh in entry["ko"] and channel.zh in entry["en"]
    assert MESSAGES["channel.sales.Tmall Global"]["ko"] == "티몰 글로벌 (天猫国际)"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "비워 둘 수 없습니다"),
        ("name", "글로우\x00랩", "제어 문자"),
        ("name", "글로우\n랩", "한 줄로"),
        ("name", "가" * 101, "100자 이하"),
        ("website", "ftp://files.example.com", "http(s) address"),
        ("website", "www.example.com", "http(s) address"),
        ("website", "https://", "http(s) address"),
        ("website", "https://exa mple.com", "http(s) address"),
        ("logo_url", "javascript:alert(1)", "http(s) address"),
        ("logo_url", "https://cdn.example.com/" + "a" * 240, "255자 이하"),
        ("category", "스킨\n케어", "한 줄로"),
        ("category", "가" * 51, "50자 이하"),
        ("story", "이야기\x07", "제어 문자"),
        ("description", "가" * 5001, "5000자 이하"),
        ("channels", ["Tmall", "天猫"], "listed twice: 'Tmall', '天猫'"),
        ("channels", ["무신사", "MUSINSA"], "listed twice"),
        ("channels", ["29cm", "29CM"], "listed twice"),
        ("channels", [f"채널{i}" for i in range(21)], "at most 20 channels"),
        ("channels", ["가" * 51], "50 characters or fewer"),
        ("channels", ["Tmall\x00"], "control characters"),
        ("social_channels", ["小红书", "Xiaohongshu"], "listed twice"),
        ("social_channels", ["위\n챗"], "control characters"),
        ("user_id", None, "choose the brand user"),
        ("user_id", "not-a-uuid", "not a valid choice"),
    ],
)
def test_bad_brand_input_gets_a_message_on_its_field(field, value, message):
    with pytest.raises(ValidationError) as info:
        parse(BrandInput, BRAND_LABELS, **_brand_values(uuid.uuid4()) | {field: value})
    assert list(info.value.fields) == [field]
    assert message in info.value.fields[field]
    assert str(info.value).startswith(BRAND_LABELS[field])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "비워 둘 수 없습니다"),
        ("name", "가" * 201, "200자 이하"),
        ("price", "-1", "0 이상"),
        ("price", "-₩1,000", "0 이상"),
        ("price", "1.5", "whole won"),
        ("price", "이만원", "enter a number"),
        ("price", "1e13", "less than"),
        ("target_age", "30-20", "the first age must not exceed the second"),
        ("target_age", "20~29", "must look like 20-29"),
        ("target_age", "20", "must look like 20-29"),
        ("target_age", "100-120", "must look like 20-29"),
        ("target_gender", "other", "must be one of"),
        ("purchase_url", "tmall.com/item/1", "http(s) address"),
        ("image_url", "data:image/png;base64,AAAA", "http(s) address"),
        ("unit", "200\nml", "한 줄로"),
        ("usp", "\x1b[31m빨강", "제어 문자"),
    ],
)
def test_bad_product_input_gets_a_message_on_its_field(field, value, message):
    with pytest.raises(ValidationError) as info:
        _product(**{field: value})
    assert list(info.value.fields) == [field]
    assert message in info.value.fields[field] or message in str(info.value)


def test_good_product_input_is_normalised():
    product = _product(price="22,000원", target_age=" 5-9 ", target_gender="", description="  ", unit=" 50ml ")
    assert product.price == Decimal(22000)
    assert (product.target_age, product.target_gender, product.description, product.unit) == ("5-9", None, None, "50ml")
    assert _product(price="", target_age="0-99").price is None
    assert _product(price=0).price == 0


def test_blank_optional_fields_are_none_not_a_crash():
    """Field(max_length) over a nullable validated type raised TypeError on None; blank is now simply none."""
    assert TargetContentInput(influencer_impact="", additional_description=None).influencer_impact is None
    terms = CampaignInput(
        brand_id=uuid.uuid4(), product_id=uuid.uuid4(), title="t", description="", budget=1,
        campaign_start_date="2026-12-01", campaign_end_date="2026-12-31", proposal_deadline="2026-11-30",
        ad_type="branding",
    )
    assert terms.description is None
    assert BrandStoryInput(story="").story is None


# -- The database refuses the same, whatever writes it ---------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "constraint"),
    [
        ("brands", "name", "   ", "brands_name_not_blank"),
        ("brands", "website", "ftp://files.example.com", "brands_website_http"),
        ("brands", "website", "https://exa mple.com", "brands_website_http"),
        ("brands", "logo_url", "javascript:alert(1)", "brands_logo_url_http"),
        ("products", "name", " ", "products_name_not_blank"),
        ("products", "price", -1, "products_price_not_negative"),
        ("products", "purchase_url", "tmall.com/item/1", "products_purchase_url_http"),
        ("products", "image_url", "data:image/png;base64,AAAA", "products_image_url_http"),
        ("products", "target_age", "30-20", "products_target_age_range"),
        ("products", "target_age", "2a-30", "products_target_age_range"),
        ("products", "target_age", "20 - 29", "products_target_age_range"),
        ("products", "target_gender", "other", "products_target_gender_check"),
    ],
)
def test_the_database_refuses_bad_values_from_staff_sql(app_engine, own_brand, table, column, value, constraint):
    row_id = own_brand[0] if table == "brands" else own_brand[1]
    error = _refused(app_engine, MANAGER, f"UPDATE {table} SET {column} = :v WHERE id = :id", v=value, id=row_id)
    assert error.orig.diag.constraint_name == constraint
    friendly = as_domain_error(error)
    assert isinstance(friendly, ValidationError) and list(friendly.fields) == [column]
    # The same statement with a good value passes, so the refusal is about the value.
    good = {"name": "이름", "website": "https://ok.example.com", "logo_url": "http://ok.example.com/l.png",
            "price": 0, "purchase_url": "https://ok.example.com", "image_url": "https://ok.example.com/i.jpg",
            "target_age": "20-29", "target_gender": "unisex"}[column]
    assert _run(app_engine, MANAGER, f"UPDATE {table} SET {column} = :v WHERE id = :id", v=good, id=row_id) == 1


def test_the_database_links_a_brand_only_to_a_brand_user(app_engine, owner_engine, own_brand, users_by_email):
    error = _refused(
        app_engine, MANAGER, "UPDATE brands SET user_id = :u WHERE id = :id",
        u=users_by_email[MANAGER], id=own_brand[0],
    )
    assert "a brand belongs to a brand user" in str(error.orig)
    assert isinstance(as_domain_error(error), ValidationError)


# -- The repository: staff CRUD -------------------------------------------------------------------------------


def test_staff_create_and_read_a_brand_with_every_column(app_engine, owner_engine, brand_user):
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand_id = repo.create_brand(session, brand=_brand(brand_user))
        product_id = repo.create_product(session, brand_id=brand_id, product=_product())
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        product = repo.get_product(session, product_id=product_id)
        listed = repo.list_products(session, brand_id=brand_id)
    assert (brand.name, brand.user_id, brand.owner_name, brand.products) == ("테스트 브랜드", brand_user, "테스트 담당자", 1)
    assert brand.channels == ("Tmall Global", "Olive Young", "무신사 뷰티")
    assert brand.social_channels == ("Xiaohongshu", "Instagram")
    assert (brand.website, brand.logo_url, brand.category) == (
        "https://test-brand.example.com", "https://cdn.example.com/logo.png", "스킨케어"
    )
    assert (brand.description, brand.story, brand.marketing) == (
        "민감 피부 테스트 브랜드", "성수동에서 시작했습니다.", "샤오홍슈 시딩 후 Tmall Global 전환"
    )
    assert (product.brand, product.price, product.target_age, product.target_gender) == (
        "테스트 브랜드", Decimal("22000.00"), "20-29", "female"
    )
    assert [p.id for p in listed] == [product_id]
    stored = _scalar(owner_engine, "SELECT channels FROM brands WHERE id = :id", id=brand_id)
    assert stored == ["Tmall Global", "Olive Young", "무신사 뷰티"], "known channels are stored under their own name"


def test_staff_edit_a_brand_and_relink_it(app_engine, owner_engine, own_brand, make_brand_user):
    brand_id, _ = own_brand
    other_user = make_brand_user()
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        before = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, expected_updated_at=before.updated_at,
            brand=_brand(other_user, name="새 이름", channels=[], website=""),
        )
        after = repo.get_brand(session, brand_id=brand_id)
    assert (after.name, after.user_id, after.channels, after.website) == ("새 이름", other_user, (), None)
    assert _scalar(owner_engine, "SELECT channels IS NULL FROM brands WHERE id = :id", id=brand_id)


def test_staff_cannot_link_a_brand_to_someone_without_the_brand_role(app_engine, own_brand, users_by_email):
    brand_id, _ = own_brand
    with pytest.raises(ValidationError) as info, unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, brand=_brand(users_by_email[ADMIN]), expected_updated_at=brand.updated_at
        )
    assert list(info.value.fields) == ["user_id"]
    with pytest.raises(ValidationError), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.create_brand(session, brand=_brand(uuid.uuid4()))


def test_brand_users_for_the_picker_are_only_brand_users_with_their_brand_count(app_engine, own_brand, brand_user):
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        users = {u.id: u for u in repo.list_brand_users(session)}
    assert users[brand_user].brands == 1
    assert {u.email for u in users.values()} >= {GLOW, LUMIERE}
    assert not {u.email for u in users.values()} & {MANAGER, ADMIN}


def test_brand_list_is_keyset_paginated_and_searchable(app_engine, owner_engine):
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        everything = repo.list_brands(session, limit=500)
        pages, after = [], None
        while True:
            page = repo.list_brands(session, after=after, limit=2)
            if not page:
                break
            pages.extend(page)
            after = (page[-1].name, page[-1].id)
        found = repo.list_brands(session, query="스킨")
        literal = repo.list_brands(session, query="%")
    assert [b.id for b in pages] == [b.id for b in everything]
    assert len(everything) == _scalar(owner_engine, "SELECT count(*) FROM brands")
    assert found and all("스킨" in (b.name + (b.category or "")) for b in found)
    assert literal == [], "% is matched literally, not as a wildcard"


def test_a_failed_action_saves_nothing_of_it(app_engine, owner_engine, brand_user):
    """One unit of work per action: a refusal in its second write takes its first write back too."""
    bad = ProductInput.model_construct(**{**_product().model_dump(), "price": Decimal(-1)})  # bypasses the schema
    with pytest.raises(ValidationError) as info, unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand_id = repo.create_brand(session, brand=_brand(brand_user, name="반쯤 저장될 브랜드"))
        repo.create_product(session, brand_id=brand_id, product=bad)
    assert info.value.fields == {"price": "가격은 ₩0 이상이어야 합니다 / the price must be ₩0 or more"}
    assert _scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '반쯤 저장될 브랜드'") == 0


# -- A brand user: its story and its products, nothing else ----------------------------------------------------


def test_a_brand_user_edits_its_story_and_the_audit_names_it(app_engine, owner_engine, own_brand, brand_user):
    brand_id, _ = own_brand
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand_story(
            session, brand_id=brand_id, story=BrandStoryInput(story="새 스토리"), expected_updated_at=brand.updated_at
        )
    assert _scalar(owner_engine, "SELECT story FROM brands WHERE id = :id", id=brand_id) == "새 스토리"
    assert _scalar(
        owner_engine,
        "SELECT user_id FROM audit_logs WHERE entity_id = :id AND new_values->>'story' = '새 스토리'",
        id=brand_id,
    ) == brand_user


def test_a_brand_user_cannot_change_its_brands_facts(app_engine, owner_engine, own_brand, brand_user):
    brand_id, _ = own_brand
    with pytest.raises(Forbidden), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, brand=_brand(brand_user, name="셀프 변경"), expected_updated_at=brand.updated_at
        )
    with pytest.raises(Forbidden), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.create_brand(session, brand=_brand(brand_user, name="셀프 브랜드"))
    assert _scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "테스트 브랜드"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE brands SET name = '셀프 변경' WHERE id = :id",
        "UPDATE brands SET website = 'https://elsewhere.example.com', story = 'x' WHERE id = :id",
        "UPDATE brands SET channels = ARRAY['Tmall'] WHERE id = :id",
        "UPDATE brands SET user_id = :other WHERE id = :id",
        "INSERT INTO brands (user_id, name) VALUES ((SELECT circlue_current_user_id()), '셀프 브랜드')",
    ],
)
def test_the_database_lets_a_brand_user_change_only_the_story(app_engine, own_brand, brand_user, users_by_email, sql):
    error = _refused(app_engine, brand_user, sql, id=own_brand[0], other=users_by_email[LUMIERE])
    friendly = as_domain_error(error)
    assert isinstance(friendly, Forbidden) and "스토리만" in str(friendly)
    assert _run(app_engine, brand_user, "UPDATE brands SET story = 'ok' WHERE id = :id", id=own_brand[0]) == 1


def test_a_brand_user_never_deletes(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    assert _run(app_engine, brand_user, "DELETE FROM products WHERE id = :id", id=product_id) == 0
    assert _run(app_engine, brand_user, "DELETE FROM brands WHERE id = :id", id=brand_id) == 0
    assert _scalar(owner_engine, "SELECT count(*) FROM products WHERE id = :id", id=product_id) == 1


def test_a_brand_user_adds_and_edits_its_products(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        new_id = repo.create_product(session, brand_id=brand_id, product=_product(name="두 번째 제품", price="9,900"))
        current = repo.get_product(session, product_id=product_id)
        repo.update_product(
            session, product_id=product_id, product=_product(price="25,000", target_age="25-34"),
            expected_updated_at=current.updated_at,
        )
        listed = repo.list_products(session)
    assert {p.id for p in listed} == {product_id, new_id}, "a brand user lists only its own products"
    assert _scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("25000.00")


def test_a_brand_user_neither_sees_nor_edits_another_brand(app_engine, owner_engine):
    glow_brand, _ = _brand_of(owner_engine, GLOW)
    lumiere_brand, lumiere_product = _brand_of(owner_engine, LUMIERE)
    glow = actor_of(GLOW)
    with unit_of_work(glow, engine=app_engine) as session:
        brands = repo.list_brands(session)
        products = repo.list_products(session, limit=500)
        foreign = repo.list_products(session, brand_id=lumiere_brand)
        with pytest.raises(NotFound):
            repo.get_brand(session, brand_id=lumiere_brand)
        with pytest.raises(NotFound):
            repo.get_product(session, product_id=lumiere_product)
    assert [b.id for b in brands] == [glow_brand]
    assert products and {p.brand_id for p in products} == {glow_brand} and foreign == []
    writes = (
        lambda s: repo.update_brand_story(
            s, brand_id=lumiere_brand, story=BrandStoryInput(story="x"), expected_updated_at=None
        ),
        lambda s: repo.create_product(s, brand_id=lumiere_brand, product=_product()),
        lambda s: repo.update_product(s, product_id=lumiere_product, product=_product(), expected_updated_at=None),
    )
    for write in writes:
        with pytest.raises(NotFound), unit_of_work(glow, engine=app_engine) as session:
            write(session)
    # Straight SQL: another brand's rows are not there to update, and a row for it is refused.
    assert _run(app_engine, GLOW, "UPDATE products SET name = 'x' WHERE brand_id = :b", b=lumiere_brand) == 0
    assert _run(app_engine, GLOW, "UPDATE brands SET story = 'x' WHERE id = :b", b=lumiere_brand) == 0
    error = _refused(app_engine, GLOW, "INSERT INTO products (brand_id, name) VALUES (:b, '침입')", b=lumiere_brand)
    assert isinstance(as_domain_error(error), Forbidden)
    assert _scalar(owner_engine, "SELECT count(*) FROM products WHERE name IN ('x', '침입')") == 0


# -- Two people, one row ---------------------------------------------------------------------------------------


def test_the_second_of_two_edits_is_told_to_reload(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        opened = repo.get_brand(session, brand_id=brand_id)  # both forms open at this version
        product = repo.get_product(session, product_id=product_id)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        repo.update_brand(
            session, brand_id=brand_id, brand=_brand(brand_user, name="먼저 저장"), expected_updated_at=opened.updated_at
        )
    with pytest.raises(Conflict, match="reload"), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_brand(
            session, brand_id=brand_id, brand=_brand(brand_user, name="나중 저장"), expected_updated_at=opened.updated_at
        )
    with pytest.raises(Conflict), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.update_brand_story(
            session, brand_id=brand_id, story=BrandStoryInput(story="x"), expected_updated_at=opened.updated_at
        )
    assert _scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "먼저 저장"
    # The brand user and staff edit the same product.
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.update_product(
            session, product_id=product_id, product=_product(price="1"), expected_updated_at=product.updated_at
        )
    with pytest.raises(Conflict), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_product(
            session, product_id=product_id, product=_product(price="2"), expected_updated_at=product.updated_at
        )
    assert _scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == 1


def test_two_saves_at_the_same_moment_one_wins(app_engine, owner_engine, own_brand, brand_user):
    """The second save waits for the first's row lock, then sees the newer version and is refused."""
    brand_id, _ = own_brand
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        opened = repo.get_brand(session, brand_id=brand_id).updated_at
    admin = actor_of(ADMIN)
    outcome: list[BaseException | None] = []
    first_holds_lock = threading.Event()

    def second() -> None:
        first_holds_lock.wait(10)
        try:
            with unit_of_work(admin, engine=app_engine) as session:
                repo.update_brand(session, brand_id=brand_id, brand=_brand(brand_user, name="둘째"),
                                  expected_updated_at=opened)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_brand(session, brand_id=brand_id, brand=_brand(brand_user, name="첫째"), expected_updated_at=opened)
        first_holds_lock.set()
        thread.join(0.5)
        assert thread.is_alive(), "the second save waits for the first's lock"
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert _scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "첫째"


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
    assert glow["제품 수"] == _scalar(
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
    assert _scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '잘못된 브랜드'") == 0
    # Fixed, the same form saves.
    at.text_input(key="brand_new_website").input("https://fixed.example.com")
    at = _click(at, "브랜드 등록")
    assert not at.error and _scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '잘못된 브랜드'") == 1


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
    assert _scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("22000.00")
    at.text_input(key=prefix + "price").input("₩31,500")
    at = _click(at, "제품 저장")
    assert [s.value for s in at.success] == [f"제품 '{md('시카 테스트 토너')}'을(를) 저장했습니다."]
    assert _scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("31500.00")
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
    assert _scalar(owner_engine, "SELECT category FROM brands WHERE id = :id", id=brand_id) == "스킨케어"
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
    assert _scalar(owner_engine, "SELECT story FROM brands WHERE id = :id", id=brand_id) == "페이지에서 쓴 스토리"
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
    assert _scalar(owner_engine, "SELECT price FROM products WHERE name = '페이지 제품' AND brand_id = :b", b=brand_id) == 15000


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
            repo.create_product(session, brand_id=brand_id, product=_product(name=f"추가 제품 {n:02d}"))
        for n in range(3):
            repo.create_brand(session, brand=_brand(brand_user, name=f"추가 브랜드 {n}"))
    # Session check (2), then one transaction: actor, brands, brand users (staff only), products.
    assert _statements(_page(who, brand_pick=str(brand_id))) == before <= (6 if who == MANAGER else 5)
