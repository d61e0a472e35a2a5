"""What every part of the demo builder shares: its clock and seeded randomness, the row queue, plan records."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from circlue.models.base import fill_blind_indexes
from circlue.ops.demo.brand_data import BrandSpec, ProductSpec

METRIC_DAYS = 90
KST = dt.timezone(dt.timedelta(hours=9))
CST = dt.timezone(dt.timedelta(hours=8))
# Reserved .example domains: demo links must never point at someone's real site.
IMAGES = "https://images.circlue.example"
FILES = "https://files.circlue.example"


def round_won(amount: Decimal, step: int = 1) -> Decimal:
    """Round a KRW amount to a multiple of `step` won."""
    return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


@dataclass
class Pick:
    """An influencer as campaigns see it while the data set is planned."""

    id: uuid.UUID
    category: str
    platform: str
    avg_views: int
    base_fee: Decimal


@dataclass
class InvitationPlan:
    """An influencer's invitation to a campaign: its final values and the statuses it passes on the way."""

    values: dict[str, Any]
    path: list[str]


@dataclass
class CampaignPlan:
    """A campaign being planned: what its children need to know about it."""

    id: uuid.UUID
    brand: BrandSpec
    brand_id: uuid.UUID
    product: ProductSpec
    title: str
    status: str
    ad_type: str
    budget: Decimal
    start: dt.date
    end: dt.date
    deadline: dt.date
    created_at: dt.datetime
    path: list[str]
    invitations: list[InvitationPlan] = field(default_factory=list)


class BuilderBase:
    """The builder's state and row queue, under the mixins that plan each domain's rows.

    A mixin reaches the others' methods through self (campaigns plan content and money; money notes events),
    so only the composed Builder is complete.
    """

    def __init__(self, session: Session, *, seed: int, influencers: int, progress: bool) -> None:
        self.session = session
        self.influencers = influencers
        self.progress = progress
        self.rng = random.Random(seed)
        # Separate streams keep the core data identical whatever the number of influencers.
        self.id_rng = random.Random(f"{seed}:ids")
        self.influencer_rng = random.Random(f"{seed}:influencers")
        self.seed = seed
        self.now = dt.datetime.now(KST).replace(microsecond=0)
        self.today = self.now.date()  # Seoul's business day, the same calendar as `now`
        self.rows: dict[type, list[dict[str, Any]]] = defaultdict(list)
        self.user_ids: dict[str, uuid.UUID] = {}
        self.brand_ids: dict[str, uuid.UUID] = {}
        self.product_ids: dict[tuple[str, str], uuid.UUID] = {}
        self.picks: list[Pick] = []
        self.campaigns: list[CampaignPlan] = []
        self.brns: dict[str, str] = {}
        # Money: campaigns planned so far per status, and the settlements an admin has closed (id, when paid).
        self.money_seen: dict[str, int] = {}
        self.closed: list[tuple[uuid.UUID, dt.datetime]] = []
        self.notes: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def new_id(self) -> uuid.UUID:
        """A deterministic random UUID, so a demo built twice has the same ids."""
        return uuid.UUID(int=self.id_rng.getrandbits(128), version=4)

    def at(self, day: dt.date, hours: tuple[int, int] = (9, 19), tz: dt.tzinfo = KST) -> dt.datetime:
        """A time on `day` within office hours, never later than now."""
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(*hours), self.rng.randrange(60)), tz)
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(5, 90)))

    def put(self, model: type, **values: Any) -> uuid.UUID:
        """Queue one row for `model` and return its id."""
        values.setdefault("id", self.new_id())
        self.rows[model].append(values)
        return values["id"]

    def write(self, *models: type) -> None:
        """Insert the queued rows of each model, in the order given (parents before children)."""
        for model in models:
            # Bulk inserts skip the ORM's events: fill the blind indexes of encrypted columns here.
            rows = [fill_blind_indexes(model, values) for values in self.rows.pop(model, [])]
            # Without RETURNING: the app role may insert rows it cannot read back (notifications).
            for start in range(0, len(rows), 5_000):
                self.session.execute(insert(model), rows[start : start + 5_000])
