"""The builder's influencers part: the campaign pool through the ORM, a large remainder in array inserts."""

from __future__ import annotations

import random
import sys
from typing import Any

from circlue.crypto import keyring
from circlue.models import Influencer
from circlue.ops.demo.base import BuilderBase, Pick
from circlue.ops.demo.influencer_data import INFLUENCER_COLUMNS, contact, influencer_rows
from circlue.repository.bulk import insert_rows

# Below this many influencers plain ORM inserts are fast enough; above it array inserts carry the rest (COPY FROM
# is refused on a table under row-level security).
COPY_THRESHOLD = 5_000
# Campaigns draw their influencers from this many profiles, whatever the total.
CAMPAIGN_POOL = 300
ENCRYPTED_EXTRA = ("real_name_bidx", "phone", "phone_bidx", "wechat_id", "wechat_id_bidx")


class _ProgressBar:
    """`influencers  412000/1000000 [=====>     ] 41%` on stderr, redrawn in place."""

    def __init__(self, label: str, total: int, width: int = 30) -> None:
        self.label, self.total, self.width = label, max(total, 1), width

    def __call__(self, done: int) -> None:
        filled = self.width * done // self.total
        arrow = ">" if filled < self.width else ""
        bar = ("=" * filled + arrow).ljust(self.width)
        sys.stderr.write(f"\r{self.label}  {done}/{self.total} [{bar}] {100 * done // self.total}%")
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line."""
        sys.stderr.write("\n")
        sys.stderr.flush()


class InfluencersMixin(BuilderBase):
    """Loads the influencer profiles and keeps the campaign pool's picks."""

    def load_influencers(self) -> None:
        """Insert the influencers: the campaign pool through the ORM, any large remainder in chunked array inserts.

        Every row gets an id from the seeded generator, so a large demo built twice has the same ids too.
        """
        total = self.influencers
        orm_count = total if total <= COPY_THRESHOLD else CAMPAIGN_POOL
        rows = influencer_rows(self.influencer_rng, total)
        # Contacts from a stream of their own: the profiles stay what they were before contacts existed.
        contacts = random.Random(f"{self.seed}:contacts")
        bar = _ProgressBar("influencers", total) if self.progress else None
        batch: list[dict[str, Any]] = []
        for _ in range(orm_count):
            values = dict(zip(INFLUENCER_COLUMNS, next(rows), strict=True))
            values["id"] = self.new_id()
            values["phone"], values["wechat_id"] = contact(contacts)
            batch.append(values)
            if values["is_active"] and len(self.picks) < CAMPAIGN_POOL:
                self.picks.append(
                    Pick(
                        values["id"], values["category"], values["platform"], values["avg_views"], values["base_fee"]
                    )
                )
        self.rows[Influencer] = batch
        self.write(Influencer)
        if bar:
            bar(orm_count)
        if total > orm_count:
            # Straight to the driver: encrypt and index here what the ORM's column type and events would.
            ring = keyring()
            columns = ("id", *INFLUENCER_COLUMNS, *ENCRYPTED_EXTRA)
            name_at = INFLUENCER_COLUMNS.index("real_name")

            def encrypted(row: tuple[Any, ...]) -> tuple[Any, ...]:
                real_name, (phone, wechat) = row[name_at], contact(contacts)
                values = [self.new_id(), *row]
                values[name_at + 1] = ring.encrypt(real_name)
                return (*values, ring.blind_index(real_name), ring.encrypt(phone), ring.blind_index(phone),
                        ring.encrypt(wechat), ring.blind_index(wechat))

            insert_rows(
                self.session,
                Influencer.__table__,
                columns,
                (encrypted(row) for row in rows),
                progress=(lambda done: bar(orm_count + done)) if bar else None,
            )
        if bar:
            bar.close()
