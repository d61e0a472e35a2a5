"""The demo logins, and the builder's accounts part: users, their brands, products and personas."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from circlue.models import Brand, Persona, Product, User
from circlue.ops.demo.base import IMAGES, BuilderBase
from circlue.ops.demo.brand_data import BRANDS, PERSONAS
from circlue.ops.demo.influencer_data import GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE, SURNAMES
from circlue.security import hash_password

DEMO_PASSWORD = "circlue-demo-2026"  # not a secret: shown on the login page in demo mode only


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: everyone shares DEMO_PASSWORD; brand users own the brand named here."""

    email: str
    name: str
    role: str
    brand: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@circlue.demo", "이서준", "admin"),
    DemoAccount("manager@circlue.demo", "박지현", "manager"),
    DemoAccount("brand.glow@circlue.demo", "정하늘", "brand", "글로우랩"),
    DemoAccount("brand.lumiere@circlue.demo", "윤채원", "brand", "루미에르"),
    DemoAccount("brand.seoulstyle@circlue.demo", "최민지", "brand", "서울스타일"),
    DemoAccount("brand.hanmat@circlue.demo", "한도윤", "brand", "한맛"),
)
ADMIN_EMAIL = DEMO_ACCOUNTS[0].email
MANAGER_EMAIL = DEMO_ACCOUNTS[1].email


class AccountsMixin(BuilderBase):
    """Plans the demo's users, and the brands they own with products and personas."""

    def plan_users(self) -> None:
        """Queue the demo accounts, each with a hash of its own (own salt), hashed in parallel: bcrypt is slow."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            hashes = list(pool.map(lambda _: hash_password(DEMO_PASSWORD), DEMO_ACCOUNTS))
        for account, password_hash in zip(DEMO_ACCOUNTS, hashes, strict=True):
            self.user_ids[account.email] = self.put(
                User,
                email=account.email,
                password_hash=password_hash,
                name=account.name,
                role=account.role,
                is_active=True,
                created_at=self.now - dt.timedelta(days=self.rng.randint(200, 400)),
            )

    def plan_brands(self) -> None:
        """Queue brands, their products and one or two personas per product."""
        for brand in BRANDS:
            brand_id = self.put(
                Brand,
                user_id=self.user_ids[brand.owner],
                name=brand.name,
                description=brand.description,
                website=f"https://{brand.key}.example.com",
                story=brand.story,
                channels=list(brand.channels),
                marketing=brand.marketing,
                social_channels=list(brand.social_channels),
                category=brand.category,
                logo_url=f"{IMAGES}/brands/{brand.key}/logo.png",
                created_at=self.now - dt.timedelta(days=self.rng.randint(150, 300)),
            )
            self.brand_ids[brand.key] = brand_id
            for n, product in enumerate(brand.products, start=1):
                product_id = self.put(
                    Product,
                    brand_id=brand_id,
                    name=product.name,
                    description=product.description,
                    purchase_url=f"https://{brand.key}.example.com/products/{n:03d}",
                    unit=product.unit,
                    price=Decimal(product.price),
                    ingredients=product.ingredients,
                    usage=product.usage,
                    effects=product.effects,
                    usp=product.usp,
                    target_gender=product.gender,
                    target_age=product.age,
                    category=product.category,
                    image_url=f"{IMAGES}/products/{brand.key}/{n:03d}.jpg",
                    created_at=self.now - dt.timedelta(days=self.rng.randint(100, 150)),
                )
                self.product_ids[(brand.key, product.name)] = product_id
                for persona in self.rng.sample(PERSONAS[brand.persona_kind], self.rng.randint(1, 2)):
                    self.put(
                        Persona,
                        brand_id=brand_id,
                        product_id=product_id,
                        name=f"{self.chinese_name(persona['gender'])} ({persona['city']} {persona['occupation']})",
                        age=persona["age"],
                        gender=persona["gender"],
                        interests=list(persona["interests"]),
                        occupation=persona["occupation"],
                        lifestyle=persona["lifestyle"],
                        shopping_habits=persona["shopping"],
                    )

    def chinese_name(self, gender: str) -> str:
        """A Chinese full name that fits the gender."""
        given = GIVEN_NAMES_MALE if gender == "male" else GIVEN_NAMES_FEMALE
        return self.rng.choice(SURNAMES) + self.rng.choice(given)
