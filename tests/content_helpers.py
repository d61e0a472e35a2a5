"""Content test helpers: real media made in the test, a contracted pair per brand, content of the test's own."""

from __future__ import annotations

import io
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image
from sqlalchemy import Engine, text

from circlue.db import Actor, unit_of_work
from circlue.media import store
from circlue.repository import content_review
from circlue.schemas.content import CaptionInput, ReviewInput, parse_plan

IMAGE_PLAN = {
    "concept": "换季敏感肌的一周修护日记",
    "shot_list": ["产品平铺俯拍", "上脸前后对比"],
    "caption_draft": "姐妹们看过来！敏感肌也能放心用",
    "hashtags": ["#韩国护肤", "#敏感肌"],
    "posting_date": "2026-12-10",
}


def png(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    """A real PNG made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg(color: str = "blue", size: tuple[int, int] = (64, 48)) -> bytes:
    """A real JPEG made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def track(handler: bytes = b"vide") -> bytes:
    """An ISO-BMFF `trak` with a media handler and an (empty) sample table."""
    hdlr = _box(b"hdlr", bytes(8) + handler + bytes(12) + b"VideoHandler\0")
    return _box(b"trak", _box(b"mdia", hdlr + _box(b"minf", _box(b"stbl", b""))))


def mp4(seconds: int = 5, brand: bytes = b"isom", *, mvhd: bytes | None = None, tracks: bytes | None = None) -> bytes:
    """A minimal, well-formed ISO-BMFF movie (ftyp, moov with mvhd and a video track, mdat), built by hand."""
    header = mvhd if mvhd is not None else _box(
        b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 600, seconds * 600) + bytes(80))
    moov = _box(b"moov", header + (track() if tracks is None else tracks))
    return _box(b"ftyp", brand + struct.pack(">I", 0) + brand + b"mp41") + moov + _box(b"mdat", bytes(64))


def ebml(element_id: int, payload: bytes) -> bytes:
    """One EBML element (id as written, an 8-byte size)."""
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + b"\x01" + len(payload).to_bytes(7, "big") + payload


def webm(seconds: float | None = 9.0, *, track_type: int | None = 1, scale: int = 1_000_000) -> bytes:
    """A minimal WebM: EBML header (DocType webm), Segment with Info (scale, duration in ms) and one TrackEntry."""
    info = ebml(0x2AD7B1, scale.to_bytes(4, "big"))
    if seconds is not None:
        info += ebml(0x4489, struct.pack(">d", seconds * 1e9 / scale))
    tracks = b"" if track_type is None else ebml(0x1654AE6B, ebml(0xAE, ebml(0xD7, b"\x01") + ebml(0x83, bytes([track_type]))))
    return ebml(0x1A45DFA3, ebml(0x4282, b"webm")) + ebml(0x18538067, ebml(0x1549A966, info) + tracks)


def pair_of(owner_engine: Engine, brand_email: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    """(campaign, influencer, platform) of a contracted influencer on one of the brand's campaigns."""
    with owner_engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT ci.campaign_id, ci.influencer_id, i.platform FROM campaign_influencers ci"
                    " JOIN campaigns c ON c.id = ci.campaign_id JOIN brands b ON b.id = c.brand_id"
                    " JOIN users u ON u.id = b.user_id JOIN influencers i ON i.id = ci.influencer_id"
                    " WHERE u.email = :e AND ci.status IN ('contracted', 'completed')"
                    " ORDER BY c.title, i.name LIMIT 1"
                ),
                {"e": brand_email},
            ).one()
        )


def delete_content(owner_engine: Engine, *ids: uuid.UUID) -> None:
    """Remove content a test made (as the owner; the app never deletes content)."""
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM content_plans WHERE id = ANY(:ids)"), {"ids": list(ids)})
        conn.execute(text("DELETE FROM content_submissions WHERE id = ANY(:ids)"), {"ids": list(ids)})


@contextmanager
def own_content(owner_engine: Engine) -> Iterator[list[uuid.UUID]]:
    """Collect the ids of content a test makes; delete them afterwards."""
    made: list[uuid.UUID] = []
    try:
        yield made
    finally:
        if made:
            delete_content(owner_engine, *made)


@contextmanager
def included_rounds_kept(owner_engine: Engine, campaign_id: uuid.UUID) -> Iterator[int]:
    """The campaign's included revision rounds (yielded), put back as they were when the block ends."""
    query = text("SELECT included_revision_rounds FROM campaigns WHERE id = :c")
    with owner_engine.connect() as conn:
        before = conn.execute(query, {"c": campaign_id}).scalar()
    try:
        yield before
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE campaigns SET included_revision_rounds = :n WHERE id = :c"),
                         {"n": before, "c": campaign_id})


def rounds_included(owner_engine: Engine, campaign_id: uuid.UUID) -> int:
    """The campaign's included revision rounds as stored."""
    with owner_engine.connect() as conn:
        return conn.execute(text("SELECT included_revision_rounds FROM campaigns WHERE id = :c"),
                            {"c": campaign_id}).scalar()


def new_plan(actor: Actor, engine: Engine, pair: tuple, *, sent: bool = False) -> uuid.UUID:
    """A draft image plan for the pair (staff), optionally sent for review."""
    with unit_of_work(actor, engine=engine) as session:
        plan_id = content_review.create_plan(
            session, campaign_id=pair[0], influencer_id=pair[1], content_type="image",
            plan_data=parse_plan("image", IMAGE_PLAN),
        )
        if sent:
            content_review.send_for_review(session, kind="plan", item_id=plan_id, expected_status="draft")
    return plan_id


def new_submission(actor: Actor, engine: Engine, pair: tuple, *, sent: bool = False, caption: str = "姐妹们冲！") -> uuid.UUID:
    """A draft image submission with one stored PNG, optionally sent for review."""
    stored = store(png(), "first.png")
    with unit_of_work(actor, engine=engine) as session:
        submission_id = content_review.create_submission(
            session, campaign_id=pair[0], influencer_id=pair[1], content_type="image",
            caption=CaptionInput(caption=caption),
        )
        content_review.add_file(session, submission_id=submission_id, stored=stored)
        if sent:
            content_review.send_for_review(session, kind="submission", item_id=submission_id, expected_status="draft")
    return submission_id


def review(actor: Actor, engine: Engine, kind: str, item_id: uuid.UUID, expected: int, decision: str,
           feedback: str | None = None, **options: bool) -> int:
    """One review round through the repository."""
    with unit_of_work(actor, engine=engine) as session:
        return content_review.review(
            session, kind=kind, item_id=item_id, expected_round=expected,
            verdict=ReviewInput(decision=decision, feedback=feedback), **options,
        )
