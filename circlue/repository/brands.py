"""Brands and their products: lists, one in full, create and edit (staff), a brand's own story and products."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from circlue.errors import Conflict, Forbidden, NotFound, ValidationError
from circlue.models import Brand, Product, User
from circlue.repository.refusals import refusals
from circlue.schemas.brands import BrandInput, BrandStoryInput, ProductInput
from circlue.text import clean_text

MAX_LIMIT = 500


@dataclass(frozen=True)
class BrandRow:
    """A brand with every column, its brand user (when the reader may see that user) and its product count."""

    id: uuid.UUID
    user_id: uuid.UUID
    owner_name: str | None
    owner_email: str | None
    name: str
    description: str | None
    website: str | None
    story: str | None
    channels: tuple[str, ...]
    marketing: str | None
    social_channels: tuple[str, ...]
    category: str | None
    logo_url: str | None
    products: int
    created_at: dt.datetime | None
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class BrandUserRow:
    """A user with the brand role, as the brand-user picker shows it: who, and how many brands they run."""

    id: uuid.UUID
    name: str
    email: str
    is_active: bool
    brands: int


@dataclass(frozen=True)
class ProductRow:
    """A product with every column and its brand's name."""

    id: uuid.UUID
    brand_id: uuid.UUID
    brand: str
    name: str
    description: str | None
    purchase_url: str | None
    unit: str | None
    price: Decimal | None
    ingredients: str | None
    usage: str | None
    effects: str | None
    usp: str | None
    target_gender: str | None
    target_age: str | None
    category: str | None
    image_url: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None


def _search(query: str | None) -> str:
    return clean_text(query, field="검색어 / search", max_length=100)


def _matches(query: str, *columns: InstrumentedAttribute) -> ColumnElement[bool]:
    """Any column contains the text; a bound parameter, so the user's text is data and % or _ match literally."""
    return or_(*(column.icontains(query, autoescape=True) for column in columns))


def _limit(limit: int) -> int:
    return min(max(limit, 1), MAX_LIMIT)


def _brands_query() -> Select:
    """Brands with their user (outer: a brand user reads no other user) and product count, in one statement."""
    counts = select(Product.brand_id, func.count().label("n")).group_by(Product.brand_id).subquery()
    return (
        select(
            Brand.id,
            Brand.user_id,
            User.name.label("owner_name"),
            User.email.label("owner_email"),
            Brand.name,
            Brand.description,
            Brand.website,
            Brand.story,
            Brand.channels,
            Brand.marketing,
            Brand.social_channels,
            Brand.category,
            Brand.logo_url,
            func.coalesce(counts.c.n, 0).label("products"),
            Brand.created_at,
            Brand.updated_at,
        )
        .outerjoin(User, User.id == Brand.user_id)
        .outerjoin(counts, counts.c.brand_id == Brand.id)
    )


def _brand_row(row) -> BrandRow:  # noqa: ANN001 - a Row of _brands_query()
    values = dict(row._mapping)
    for name in ("channels", "social_channels"):
        values[name] = tuple(values[name] or ())
    return BrandRow(**values)


def list_brands(
    session: Session, *, query: str | None = None, after: tuple[str, uuid.UUID] | None = None, limit: int = 50
) -> list[BrandRow]:
    """Brands by name, keyset-paginated by (name, id); `query` matches name or category. RLS: a brand its own."""
    stmt = _brands_query().order_by(Brand.name, Brand.id).limit(_limit(limit))
    query = _search(query)
    if query:
        stmt = stmt.where(_matches(query, Brand.name, Brand.category))
    if after:
        stmt = stmt.where(tuple_(Brand.name, Brand.id) > tuple_(*after))
    return [_brand_row(r) for r in session.execute(stmt).all()]


def get_brand(session: Session, *, brand_id: uuid.UUID) -> BrandRow:
    """One brand in full, or NotFound (also when row-level security hides it)."""
    row = session.execute(_brands_query().where(Brand.id == brand_id)).first()
    if row is None:
        raise NotFound("브랜드를 찾을 수 없습니다 / brand not found")
    return _brand_row(row)


def list_brand_users(session: Session) -> list[BrandUserRow]:
    """Users with the brand role and how many brands each runs (staff read every user), active first, by name."""
    counts = select(Brand.user_id, func.count().label("n")).group_by(Brand.user_id).subquery()
    rows = session.execute(
        select(User.id, User.name, User.email, User.is_active, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.user_id == User.id)
        .where(User.role == "brand")
        .order_by(User.is_active.desc(), User.name, User.email)
    ).all()
    return [BrandUserRow(id=r[0], name=r[1], email=r[2], is_active=bool(r[3]), brands=r[4]) for r in rows]


def _require_staff(session: Session) -> None:
    """What the database thinks of the acting user (its session), not what the page was told."""
    if not session.scalar(select(func.circlue_is_staff())):
        raise Forbidden(
            "브랜드 정보는 Circlue 담당자가 등록하고 고칩니다. 브랜드 사용자는 스토리와 제품을 고칠 수 있습니다 / "
            "Circlue staff create and edit brands; a brand user edits its story and products"
        )


def _check_brand_user(session: Session, user_id: uuid.UUID) -> None:
    """A friendly refusal before the trigger's: a brand belongs to an existing user with the brand role."""
    role = session.scalar(select(User.role).where(User.id == user_id))
    if role != "brand":
        message = (
            "브랜드 역할의 사용자를 고르세요 (사용자 관리에서 먼저 만드세요) / "
            "choose a user with the brand role (create one under Users first)"
        )
        raise ValidationError(message, fields={"user_id": message})


def _columns(data: BrandInput | ProductInput) -> dict:
    """Form values as column values: empty channel lists are stored as NULL, like other blank fields."""
    values = data.model_dump()
    for name in ("channels", "social_channels"):
        if name in values and not values[name]:
            values[name] = None
    return values


def _stale(row_updated_at: dt.datetime | None, expected: dt.datetime, what: tuple[str, str]) -> None:
    """Optimistic concurrency: refuse a save based on an older read of the row (`what`: Korean, English)."""
    if row_updated_at != expected:
        raise Conflict(
            f"다른 사용자가 이 {what[0]} 먼저 저장했습니다. 다시 불러온 뒤 고치세요 / "
            f"someone else saved this {what[1]} after you opened it; reload and edit again"
        )


def create_brand(session: Session, *, brand: BrandInput) -> uuid.UUID:
    """Create a brand linked to its brand user (staff only), in the caller's transaction; returns its id."""
    _require_staff(session)
    _check_brand_user(session, brand.user_id)
    row = Brand(**_columns(brand))
    session.add(row)
    with refusals():
        session.flush()
    return row.id


def _locked_brand(session: Session, brand_id: uuid.UUID, expected_updated_at: dt.datetime) -> Brand:
    row = session.scalars(select(Brand).where(Brand.id == brand_id).with_for_update()).first()
    if row is None:
        raise NotFound("브랜드를 찾을 수 없습니다 / brand not found")
    _stale(row.updated_at, expected_updated_at, ("브랜드를", "brand"))
    return row


def update_brand(
    session: Session, *, brand_id: uuid.UUID, brand: BrandInput, expected_updated_at: dt.datetime
) -> None:
    """Save every fact of a brand and its brand user (staff only); refuses if someone saved it since it was read."""
    _require_staff(session)
    row = _locked_brand(session, brand_id, expected_updated_at)
    if brand.user_id != row.user_id:
        _check_brand_user(session, brand.user_id)
    for name, value in _columns(brand).items():
        setattr(row, name, value)
    with refusals():
        session.flush()


def update_brand_story(
    session: Session, *, brand_id: uuid.UUID, story: BrandStoryInput, expected_updated_at: dt.datetime
) -> None:
    """Save a brand's story (its brand user, or staff); refuses if someone saved the brand since it was read."""
    row = _locked_brand(session, brand_id, expected_updated_at)
    row.story = story.story
    with refusals():
        session.flush()


def _products_query() -> Select:
    return select(
        Product.id,
        Product.brand_id,
        Brand.name,
        Product.name,
        Product.description,
        Product.purchase_url,
        Product.unit,
        Product.price,
        Product.ingredients,
        Product.usage,
        Product.effects,
        Product.usp,
        Product.target_gender,
        Product.target_age,
        Product.category,
        Product.image_url,
        Product.created_at,
        Product.updated_at,
    ).join(Brand, Brand.id == Product.brand_id)


def list_products(
    session: Session,
    *,
    brand_id: uuid.UUID | None = None,
    query: str | None = None,
    after: tuple[str, uuid.UUID] | None = None,
    limit: int = 50,
) -> list[ProductRow]:
    """Products by name, keyset-paginated by (name, id); of one brand or all the reader may see (RLS)."""
    stmt = _products_query().order_by(Product.name, Product.id).limit(_limit(limit))
    if brand_id is not None:
        stmt = stmt.where(Product.brand_id == brand_id)
    query = _search(query)
    if query:
        stmt = stmt.where(_matches(query, Product.name, Product.category))
    if after:
        stmt = stmt.where(tuple_(Product.name, Product.id) > tuple_(*after))
    return [ProductRow(*r) for r in session.execute(stmt).all()]


def get_product(session: Session, *, product_id: uuid.UUID) -> ProductRow:
    """One product in full, or NotFound (also when row-level security hides it)."""
    row = session.execute(_products_query().where(Product.id == product_id)).first()
    if row is None:
        raise NotFound("제품을 찾을 수 없습니다 / product not found")
    return ProductRow(*row)


def create_product(session: Session, *, brand_id: uuid.UUID, product: ProductInput) -> uuid.UUID:
    """Add a product to a brand the acting user may see (staff: any; a brand user: its own); returns its id."""
    if session.scalar(select(Brand.id).where(Brand.id == brand_id)) is None:
        raise NotFound("브랜드를 찾을 수 없습니다 / brand not found")
    row = Product(brand_id=brand_id, **_columns(product))
    session.add(row)
    with refusals():
        session.flush()
    return row.id


def update_product(
    session: Session, *, product_id: uuid.UUID, product: ProductInput, expected_updated_at: dt.datetime
) -> None:
    """Save a product's facts; refuses if someone saved it since it was read. Its brand does not change."""
    row = session.scalars(select(Product).where(Product.id == product_id).with_for_update()).first()
    if row is None:
        raise NotFound("제품을 찾을 수 없습니다 / product not found")
    _stale(row.updated_at, expected_updated_at, ("제품을", "product"))
    for name, value in _columns(product).items():
        setattr(row, name, value)
    with refusals():
        session.flush()
