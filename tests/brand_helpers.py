"""Brands and products in tests: input values, statements as a user, and brand users of a test's own (fixtures,
loaded for every test module by tests/conftest.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from circlue.db import set_actor, unit_of_work
from circlue.repository import brands as repo
from circlue.schemas.brands import (
    BRAND_LABELS,
    PRODUCT_LABELS,
    BrandInput,
    ProductInput,
)
from circlue.schemas.common import parse
from circlue.security import hash_password
from tests.conftest import actor_of

MANAGER, ADMIN = "manager@circlue.demo", "admin@circlue.demo"
GLOW, LUMIERE = "brand.glow@circlue.demo", "brand.lumiere@circlue.demo"
HTTP = "http:// 또는 https:// 로 시작하는 주소여야 합니다 / must be an http(s) address"
PAGE = str(Path(__file__).resolve().parent.parent / "views" / "brands.py")


def brand_values(user_id, **overrides) -> dict:
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


def product_values(**overrides) -> dict:
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


def brand_input(user_id, **overrides) -> BrandInput:
    return parse(BrandInput, BRAND_LABELS, **brand_values(user_id, **overrides))


def product_input(**overrides) -> ProductInput:
    return parse(ProductInput, PRODUCT_LABELS, **product_values(**overrides))


def scalar(owner_engine, sql: str, **params):
    with owner_engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def run_as(app_engine, who: str | uuid.UUID, sql: str, **params) -> int:
    """One statement as `who` through the app role (RLS and triggers apply); returns the row count; rolled back."""
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor_of(who))
        try:
            return session.execute(text(sql), params).rowcount
        finally:
            session.rollback()


def refused(app_engine, who: str | uuid.UUID, sql: str, **params) -> DBAPIError:
    """The database's refusal of a statement run as `who`, bypassing the schema and the repository."""
    with pytest.raises(DBAPIError) as info:
        run_as(app_engine, who, sql, **params)
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
        brand_id = repo.create_brand(session, brand=brand_input(brand_user))
        product_id = repo.create_product(session, brand_id=brand_id, product=product_input())
    return brand_id, product_id
