"""Brands and products (issue 6): every rule through the schema and straight at the database, who may change
what, two people editing one row, and the page as staff and as a brand user sees it."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest

from circlue.db import unit_of_work
from circlue.errors import Conflict, Forbidden, NotFound, ValidationError
from circlue.repository import brands as repo
from circlue.repository.refusals import as_domain_error
from circlue.schemas.brands import (
    BrandStoryInput,
    ProductInput,
)
from tests.brand_helpers import (
    ADMIN,
    GLOW,
    LUMIERE,
    MANAGER,
    brand_input,
    product_input,
    refused,
    run_as,
    scalar,
)
from tests.conftest import actor_of
from tests.test_pipeline import _brand as _brand_of

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
    error = refused(app_engine, MANAGER, f"UPDATE {table} SET {column} = :v WHERE id = :id", v=value, id=row_id)
    assert error.orig.diag.constraint_name == constraint
    friendly = as_domain_error(error)
    assert isinstance(friendly, ValidationError) and list(friendly.fields) == [column]
    # The same statement with a good value passes, so the refusal is about the value.
    good = {"name": "이름", "website": "https://ok.example.com", "logo_url": "http://ok.example.com/l.png",
            "price": 0, "purchase_url": "https://ok.example.com", "image_url": "https://ok.example.com/i.jpg",
            "target_age": "20-29", "target_gender": "unisex"}[column]
    assert run_as(app_engine, MANAGER, f"UPDATE {table} SET {column} = :v WHERE id = :id", v=good, id=row_id) == 1


def test_the_database_links_a_brand_only_to_a_brand_user(app_engine, owner_engine, own_brand, users_by_email):
    error = refused(
        app_engine, MANAGER, "UPDATE brands SET user_id = :u WHERE id = :id",
        u=users_by_email[MANAGER], id=own_brand[0],
    )
    assert "a brand belongs to a brand user" in str(error.orig)
    assert isinstance(as_domain_error(error), ValidationError)


# -- The repository: staff CRUD -------------------------------------------------------------------------------


def test_staff_create_and_read_a_brand_with_every_column(app_engine, owner_engine, brand_user):
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand_id = repo.create_brand(session, brand=brand_input(brand_user))
        product_id = repo.create_product(session, brand_id=brand_id, product=product_input())
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
    stored = scalar(owner_engine, "SELECT channels FROM brands WHERE id = :id", id=brand_id)
    assert stored == ["Tmall Global", "Olive Young", "무신사 뷰티"], "known channels are stored under their own name"


def test_staff_edit_a_brand_and_relink_it(app_engine, owner_engine, own_brand, make_brand_user):
    brand_id, _ = own_brand
    other_user = make_brand_user()
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        before = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, expected_updated_at=before.updated_at,
            brand=brand_input(other_user, name="새 이름", channels=[], website=""),
        )
        after = repo.get_brand(session, brand_id=brand_id)
    assert (after.name, after.user_id, after.channels, after.website) == ("새 이름", other_user, (), None)
    assert scalar(owner_engine, "SELECT channels IS NULL FROM brands WHERE id = :id", id=brand_id)


def test_staff_cannot_link_a_brand_to_someone_without_the_brand_role(app_engine, own_brand, users_by_email):
    brand_id, _ = own_brand
    with pytest.raises(ValidationError) as info, unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, brand=brand_input(users_by_email[ADMIN]), expected_updated_at=brand.updated_at
        )
    assert list(info.value.fields) == ["user_id"]
    with pytest.raises(ValidationError), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.create_brand(session, brand=brand_input(uuid.uuid4()))


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
    assert len(everything) == scalar(owner_engine, "SELECT count(*) FROM brands")
    assert found and all("스킨" in (b.name + (b.category or "")) for b in found)
    assert literal == [], "% is matched literally, not as a wildcard"


def test_a_failed_action_saves_nothing_of_it(app_engine, owner_engine, brand_user):
    """One unit of work per action: a refusal in its second write takes its first write back too."""
    bad = ProductInput.model_construct(**{**product_input().model_dump(), "price": Decimal(-1)})  # bypasses the schema
    with pytest.raises(ValidationError) as info, unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        brand_id = repo.create_brand(session, brand=brand_input(brand_user, name="반쯤 저장될 브랜드"))
        repo.create_product(session, brand_id=brand_id, product=bad)
    assert info.value.fields == {"price": "가격은 ₩0 이상이어야 합니다 / the price must be ₩0 or more"}
    assert scalar(owner_engine, "SELECT count(*) FROM brands WHERE name = '반쯤 저장될 브랜드'") == 0


# -- A brand user: its story and its products, nothing else ----------------------------------------------------


def test_a_brand_user_edits_its_story_and_the_audit_names_it(app_engine, owner_engine, own_brand, brand_user):
    brand_id, _ = own_brand
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand_story(
            session, brand_id=brand_id, story=BrandStoryInput(story="새 스토리"), expected_updated_at=brand.updated_at
        )
    assert scalar(owner_engine, "SELECT story FROM brands WHERE id = :id", id=brand_id) == "새 스토리"
    assert scalar(
        owner_engine,
        "SELECT user_id FROM audit_logs WHERE entity_id = :id AND new_values->>'story' = '새 스토리'",
        id=brand_id,
    ) == brand_user


def test_a_brand_user_cannot_change_its_brands_facts(app_engine, owner_engine, own_brand, brand_user):
    brand_id, _ = own_brand
    with pytest.raises(Forbidden), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        brand = repo.get_brand(session, brand_id=brand_id)
        repo.update_brand(
            session, brand_id=brand_id, brand=brand_input(brand_user, name="셀프 변경"), expected_updated_at=brand.updated_at
        )
    with pytest.raises(Forbidden), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.create_brand(session, brand=brand_input(brand_user, name="셀프 브랜드"))
    assert scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "테스트 브랜드"


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
    error = refused(app_engine, brand_user, sql, id=own_brand[0], other=users_by_email[LUMIERE])
    friendly = as_domain_error(error)
    assert isinstance(friendly, Forbidden) and "스토리만" in str(friendly)
    assert run_as(app_engine, brand_user, "UPDATE brands SET story = 'ok' WHERE id = :id", id=own_brand[0]) == 1


def test_a_brand_user_never_deletes(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    assert run_as(app_engine, brand_user, "DELETE FROM products WHERE id = :id", id=product_id) == 0
    assert run_as(app_engine, brand_user, "DELETE FROM brands WHERE id = :id", id=brand_id) == 0
    assert scalar(owner_engine, "SELECT count(*) FROM products WHERE id = :id", id=product_id) == 1


def test_a_brand_user_adds_and_edits_its_products(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        new_id = repo.create_product(session, brand_id=brand_id, product=product_input(name="두 번째 제품", price="9,900"))
        current = repo.get_product(session, product_id=product_id)
        repo.update_product(
            session, product_id=product_id, product=product_input(price="25,000", target_age="25-34"),
            expected_updated_at=current.updated_at,
        )
        listed = repo.list_products(session)
    assert {p.id for p in listed} == {product_id, new_id}, "a brand user lists only its own products"
    assert scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == Decimal("25000.00")


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
        lambda s: repo.create_product(s, brand_id=lumiere_brand, product=product_input()),
        lambda s: repo.update_product(s, product_id=lumiere_product, product=product_input(), expected_updated_at=None),
    )
    for write in writes:
        with pytest.raises(NotFound), unit_of_work(glow, engine=app_engine) as session:
            write(session)
    # Straight SQL: another brand's rows are not there to update, and a row for it is refused.
    assert run_as(app_engine, GLOW, "UPDATE products SET name = 'x' WHERE brand_id = :b", b=lumiere_brand) == 0
    assert run_as(app_engine, GLOW, "UPDATE brands SET story = 'x' WHERE id = :b", b=lumiere_brand) == 0
    error = refused(app_engine, GLOW, "INSERT INTO products (brand_id, name) VALUES (:b, '침입')", b=lumiere_brand)
    assert isinstance(as_domain_error(error), Forbidden)
    assert scalar(owner_engine, "SELECT count(*) FROM products WHERE name IN ('x', '침입')") == 0


# -- Two people, one row ---------------------------------------------------------------------------------------


def test_the_second_of_two_edits_is_told_to_reload(app_engine, owner_engine, own_brand, brand_user):
    brand_id, product_id = own_brand
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        opened = repo.get_brand(session, brand_id=brand_id)  # both forms open at this version
        product = repo.get_product(session, product_id=product_id)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        repo.update_brand(
            session, brand_id=brand_id, brand=brand_input(brand_user, name="먼저 저장"), expected_updated_at=opened.updated_at
        )
    with pytest.raises(Conflict, match="reload"), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_brand(
            session, brand_id=brand_id, brand=brand_input(brand_user, name="나중 저장"), expected_updated_at=opened.updated_at
        )
    with pytest.raises(Conflict), unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.update_brand_story(
            session, brand_id=brand_id, story=BrandStoryInput(story="x"), expected_updated_at=opened.updated_at
        )
    assert scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "먼저 저장"
    # The brand user and staff edit the same product.
    with unit_of_work(actor_of(brand_user), engine=app_engine) as session:
        repo.update_product(
            session, product_id=product_id, product=product_input(price="1"), expected_updated_at=product.updated_at
        )
    with pytest.raises(Conflict), unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_product(
            session, product_id=product_id, product=product_input(price="2"), expected_updated_at=product.updated_at
        )
    assert scalar(owner_engine, "SELECT price FROM products WHERE id = :id", id=product_id) == 1


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
                repo.update_brand(session, brand_id=brand_id, brand=brand_input(brand_user, name="둘째"),
                                  expected_updated_at=opened)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        repo.update_brand(session, brand_id=brand_id, brand=brand_input(brand_user, name="첫째"), expected_updated_at=opened)
        first_holds_lock.set()
        thread.join(0.5)
        assert thread.is_alive(), "the second save waits for the first's lock"
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert scalar(owner_engine, "SELECT name FROM brands WHERE id = :id", id=brand_id) == "첫째"
