"""Upload checks: types by content, sizes from configuration, names without paths, content-addressed storage."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import warnings

import pytest
from PIL import Image

from circlue import config, media
from circlue.errors import ValidationError
from tests.conftest import ROOT
from tests.content_helpers import _box, ebml, jpeg, mp4, png, track, webm


@pytest.fixture
def small_limits(monkeypatch, tmp_path):
    """1 MB limits and a media store of the test's own."""
    monkeypatch.setenv("CIRCLUE_MAX_IMAGE_MB", "1")
    monkeypatch.setenv("CIRCLUE_MAX_VIDEO_MB", "1")
    monkeypatch.setenv("CIRCLUE_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    yield tmp_path
    config.get_settings.cache_clear()


def test_a_renamed_executable_is_refused(small_limits):
    windows = b"MZ\x90\x00\x03" + bytes(59) + b"PE\x00\x00" + bytes(200)
    linux = b"\x7fELF\x02\x01\x01" + bytes(120)
    for data, name in ((windows, "photo.jpg"), (linux, "clip.mp4"), (b"#!/bin/sh\nrm -rf /\n", "a.png")):
        with pytest.raises(ValidationError, match="content is neither"):
            media.store(data, name)
    assert not any(small_limits.rglob("*.*")), "nothing of a refused file is stored"


def test_an_empty_file_is_refused(small_limits):
    with pytest.raises(ValidationError, match="0 bytes"):
        media.store(b"", "empty.png")


def test_an_oversized_file_is_refused_by_the_configured_limit(small_limits):
    big = png(size=(64, 48)) + bytes(1024 * 1024)  # a real PNG header, padded past 1 MB
    with pytest.raises(ValidationError, match="too large"):
        media.store(big, "big.png")
    assert not any(small_limits.rglob("*.png"))


def test_a_path_in_the_name_is_refused(small_limits):
    for name in ("../../etc/passwd.png", "..\\..\\boot.ini.jpg", "/etc/passwd.png", "a/b.png", ".."):
        with pytest.raises(ValidationError, match="path"):
            media.store(png(), name)


def test_names_are_kept_clean_for_people():
    assert media.safe_name("  여름\u202e 룩 \x00북.jpg ") == "여름 룩 북.jpg"
    assert media.safe_name("小红书 封面.PNG") == "小红书 封面.PNG"
    assert len(media.safe_name("가" * 400 + ".png")) == 200


def test_real_images_are_stored_by_hash_with_a_thumbnail(small_limits):
    for data, mime, ext in ((png(size=(1200, 900)), "image/png", "png"), (jpeg(), "image/jpeg", "jpg")):
        stored = media.store(data, f"사진.{ext}")
        assert (stored.file_type, stored.file_size, stored.duration) == (mime, len(data), None)
        assert stored.file_url == f"media/{stored.sha256[:2]}/{stored.sha256}.{ext}"
        path = media.path_of(stored.file_url)
        assert path.read_bytes() == data and path.is_relative_to(small_limits / "media")
        with Image.open(media.path_of(stored.thumbnail_url)) as thumb:
            assert thumb.format == "JPEG" and max(thumb.size) <= 480


def test_the_same_content_is_stored_once_and_never_overwritten(small_limits):
    first = media.store(png(), "a.png")
    path = media.path_of(first.file_url)
    before = path.stat().st_mtime_ns
    again = media.store(png(), "b.png")
    assert again.file_url == first.file_url and path.stat().st_mtime_ns == before


def test_videos_are_recognised_by_their_container_with_duration(small_limits):
    stored = media.store(mp4(seconds=7), "clip.mp4")
    assert (stored.file_type, stored.duration, stored.thumbnail_url) == ("video/mp4", 7, None)
    assert media.detect(mp4(seconds=3, brand=b"qt  ")) == media.Detected("video", "video/quicktime", "mov", 3)


def test_a_webm_with_a_track_is_a_video():
    assert media.detect(webm(9.0)) == media.Detected("video", "video/webm", "webm", 9)
    assert media.detect(webm(9.0, track_type=2)).kind == "video", "an audio track counts"
    matroska = webm(9.0).replace(b"webm", b"mkvx", 1)
    with pytest.raises(ValidationError):
        media.detect(matroska)


# -- Durations: what the container says is kept only when a video can last that long -----------------------------


def _mvhd_v1(timescale: int, length: int) -> bytes:
    return _box(b"mvhd", bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, timescale, length) + bytes(80))


@pytest.mark.parametrize(
    ("data", "seconds"),
    [
        (webm(float("inf")), None),
        (webm(float("nan")), None),
        (webm(-50000.0), None),
        (webm(1e15), None),
        (webm(1e300, scale=2**31), None),  # the product overflows to infinity
        (webm(None), None),
        (webm(90.4), 90),
        (mp4(mvhd=_mvhd_v1(1000, 2**64 - 1)), None),  # ISO 14496-12: all ones = unknown (fragmented, live)
        (mp4(mvhd=_mvhd_v1(0, 5000)), None),
        (mp4(mvhd=_mvhd_v1(1000, 25 * 3600 * 1000)), None),  # more than a day
        (mp4(mvhd=_box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 600, 2**32 - 1) + bytes(80))), None),
        (mp4(mvhd=_mvhd_v1(90000, 30 * 90000)), 30),
    ],
    ids=["webm-inf", "webm-nan", "webm-negative", "webm-huge", "webm-overflow", "webm-none", "webm-90s",
         "mp4-v1-unknown", "mp4-no-timescale", "mp4-25h", "mp4-v0-unknown", "mp4-v1-30s"],
)
def test_odd_durations_are_unknown_not_a_crash(data, seconds):
    """Before: round(inf) raised OverflowError out of detect(); -50000 s and 1.8e16 s went to the database."""
    assert media.detect(data).duration == seconds


# -- A container is a video only with a track in it ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        # EBML header (DocType webm) + one Void element carrying an HTML page
        ebml(0x1A45DFA3, ebml(0x4282, b"webm")) + ebml(0xEC, b"<html><script>alert(1)</script></html>"),
        webm(9.0, track_type=None),  # a Segment with Info and no Tracks
        webm(9.0, track_type=17),  # a subtitle track only
        webm(9.0) + ebml(0xEC, bytes(2 << 20)),  # 2 MB of "padding" after the movie
        # ftyp + a free box carrying a PE executable + an empty moov: no track, no media
        _box(b"ftyp", b"isom" + bytes(4)) + _box(b"free", b"MZ\x90\x00" + bytes(100)) + _box(b"moov", b""),
        mp4(tracks=b""),  # mvhd, no trak
        mp4(tracks=track(b"hint")),  # a hint track is not a picture or a sound
        mp4(tracks=_box(b"trak", _box(b"mdia", _box(b"hdlr", bytes(8) + b"vide" + bytes(12))))),  # no sample table
        mp4() + _box(b"junk", b"MZ" + bytes(2 << 20)),  # a 2 MB unknown top-level box
    ],
    ids=["webm-void-html", "webm-no-tracks", "webm-subtitles", "webm-big-void", "mp4-free-exe-empty-moov",
         "mp4-no-trak", "mp4-hint-track", "mp4-no-stbl", "mp4-big-unknown-box"],
)
def test_a_container_with_no_video_in_it_is_not_a_video(data):
    with pytest.raises(ValidationError, match="content is neither"):
        media.detect(data)


def test_an_encoders_small_padding_is_fine():
    assert media.detect(mp4(seconds=4) + _box(b"free", bytes(4096))).duration == 4
    assert media.detect(mp4(seconds=4, brand=b"qt  ") + _box(b"wide", b"")).mime == "video/quicktime"
    assert media.detect(webm(3.0) + ebml(0xEC, bytes(512))).duration == 3


@pytest.mark.parametrize(
    "data",
    [mp4()[:-10], mp4()[:20], b"\x00\x00\x00\x18ftypisom" + bytes(12), b"GIF89a" + bytes(40)],
    ids=["truncated", "no-moov", "ftyp-only", "gif"],
)
def test_broken_or_other_files_are_refused(data):
    with pytest.raises(ValidationError):
        media.detect(data)


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 megapixels in a few kilobytes
    with pytest.raises(ValidationError):
        media.detect(out.getvalue())


@pytest.mark.parametrize("key", ["media/../../etc/passwd", "/etc/passwd", "media/ab/x.png", "media/ab/" + "a" * 64 + ".exe"])
def test_only_our_own_keys_name_files(key):
    with pytest.raises(ValidationError):
        media.path_of(key)


# -- Pictures: a pixel limit read from the header, a thumbnail from a reduced decode -------------------------------


def test_a_picture_over_the_pixel_limit_is_refused_whatever_the_warnings_filter():
    """64 MP is under Pillow's own warning (89 MP), so only MAX_PIXELS refuses it; no warnings filter involved
    (warnings.catch_warnings is not thread-safe, and Streamlit runs sessions in threads)."""
    out = io.BytesIO()
    Image.new("1", (8_000, 8_000)).save(out, "PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValidationError, match="8000×8000, at most 40 megapixels"):
            media.detect(out.getvalue())
    assert media.MAX_PIXELS < 8_000 * 8_000


def test_a_webp_has_a_smaller_pixel_limit():
    """Pillow decodes a WebP whole in several copies: 4000x3000 passes, 5000x3000 does not."""
    for size, ok in (((4000, 3000), True), ((5000, 3000), False)):
        out = io.BytesIO()
        Image.new("L", size).save(out, "WEBP", lossless=True)
        if ok:
            assert media.detect(out.getvalue()).mime == "image/webp"
        else:
            with pytest.raises(ValidationError, match="at most 12 megapixels"):
                media.detect(out.getvalue())


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "GIF", "ICO"])
def test_only_jpeg_png_and_webp_are_opened(fmt, monkeypatch):
    """Refused without another format's parser ever reading the bytes (Image.open(formats=...))."""
    from PIL import ImageFile

    out = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(out, fmt)

    def parsed(self, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__} parsed an upload")

    for plugin in ("BmpImagePlugin.BmpImageFile", "TiffImagePlugin.TiffImageFile", "GifImagePlugin.GifImageFile",
                   "IcoImagePlugin.IcoImageFile"):
        module, cls = plugin.split(".")
        image_file = getattr(__import__(f"PIL.{module}", fromlist=[cls]), cls)
        assert issubclass(image_file, ImageFile.ImageFile)
        monkeypatch.setattr(image_file, "_open", parsed)
    with pytest.raises(ValidationError, match="content is neither"):
        media.detect(out.getvalue())


def test_the_thumbnail_is_upright_and_small(small_limits):
    """Shrunk before it is turned: a 1200x600 JPEG whose EXIF says "rotate 90°" gives a 240x480 thumbnail."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (1200, 600), "green").save(out, "JPEG", exif=exif)
    stored = media.store(out.getvalue(), "sideways.jpg")
    with Image.open(media.path_of(stored.thumbnail_url)) as thumb:
        assert thumb.size == (240, 480)


def test_a_small_png_with_huge_dimensions_does_not_take_a_gigabyte(tmp_path):
    """A 370 KB PNG of 9400x9400 RGBA (just under Pillow's own 89 MP warning) made store() peak at about 1 GB;
    it is refused from its header now. Measured in a child process: the peak RSS of importing and store()."""
    maker = textwrap.dedent(
        """
        import sys
        from PIL import Image
        Image.new("RGBA", (9400, 9400), (255, 0, 0, 128)).save(sys.argv[1], "PNG")
        """
    )
    path = tmp_path / "big.png"
    subprocess.run([sys.executable, "-c", maker, str(path)], check=True, cwd=ROOT)
    measure = textwrap.dedent(
        """
        import re, sys
        from circlue import media
        data = open(sys.argv[1], "rb").read()
        try:
            media.store(data, "big.png")
        except Exception as exc:
            print("refused", type(exc).__name__)
        # VmHWM: this process's own peak (getrusage's ru_maxrss keeps the forking pytest's across exec).
        peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]
        print(len(data), peak)
        """
    )
    env = {"CIRCLUE_DATA_DIR": str(tmp_path), "CIRCLUE_SECRET_KEY": "x" * 43, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", measure, str(path)], check=True, cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout.split()
    size, peak_kb = int(out[-2]), int(out[-1])
    assert size < 1_000_000
    assert "ValidationError" in out, out
    assert peak_kb < 400_000, f"a {size:,}-byte upload peaked at {peak_kb // 1024} MB"


# -- What reaches the database: durations it accepts, a file once per version, nothing left by a failed upload ----


GLOW, MANAGER = "brand.glow@circlue.demo", "manager@circlue.demo"


def _draft(app_engine, owner_engine, made: list, content_type: str = "video"):
    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from circlue.schemas.content import CaptionInput
    from tests.conftest import actor_of
    from tests.content_helpers import pair_of

    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with unit_of_work(manager, engine=app_engine) as session:
        submission_id = content_review.create_submission(
            session, campaign_id=pair[0], influencer_id=pair[1], content_type=content_type, caption=CaptionInput())
    made.append(submission_id)
    return manager, submission_id


def _rows(owner_engine, submission_id) -> list[tuple]:
    from sqlalchemy import text

    with owner_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT version, file_url, duration FROM content_files WHERE submission_id = :s ORDER BY created_at"),
            {"s": submission_id})]


@pytest.mark.parametrize(
    "data",
    [mp4(mvhd=_mvhd_v1(1000, 2**64 - 1)), webm(-50000.0), webm(1e15), webm(float("inf"))],
    ids=["mp4-v1-unknown", "webm-negative", "webm-huge", "webm-inf"],
)
def test_a_video_of_odd_duration_is_saved_without_one(data, app_engine, owner_engine):
    """Before: 18446744073709552 s overflowed INTEGER (raw DataError), -50000 s broke a CHECK refusals.py did not
    map (raw IntegrityError), inf raised OverflowError: each crashed the production page."""
    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from tests.content_helpers import own_content

    with own_content(owner_engine) as made:
        manager, submission_id = _draft(app_engine, owner_engine, made)
        stored = media.store(data, "live.mp4")
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.add_file(session, submission_id=submission_id, stored=stored)
        assert _rows(owner_engine, submission_id) == [(1, stored.file_url, None)]


def test_a_negative_duration_written_anyway_is_refused_with_a_message(app_engine, owner_engine):
    from dataclasses import replace

    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from tests.content_helpers import own_content

    with own_content(owner_engine) as made:
        manager, submission_id = _draft(app_engine, owner_engine, made)
        forged = replace(media.store(mp4(seconds=3), "clip.mp4"), duration=-5)
        with pytest.raises(ValidationError, match="duration") as refused:
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.add_file(session, submission_id=submission_id, stored=forged)
        assert "file" in refused.value.fields, "shown under the upload box"


def test_the_same_file_is_attached_to_a_version_once(app_engine, owner_engine):
    """A double-submitted upload form: the second attach adds nothing (no error); the next version may reuse it."""
    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from tests.conftest import actor_of
    from tests.content_helpers import own_content, review

    with own_content(owner_engine) as made:
        manager, submission_id = _draft(app_engine, owner_engine, made, "image")
        stored = media.store(png("purple"), "a.png")
        for expected in ("added", None):
            with unit_of_work(manager, engine=app_engine) as session:
                added = content_review.add_file(session, submission_id=submission_id, stored=stored)
            assert (added and "added") == expected
        assert _rows(owner_engine, submission_id) == [(1, stored.file_url, None)]
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.send_for_review(session, kind="submission", item_id=submission_id, expected_status="draft")
        review(actor_of(GLOW), app_engine, "submission", submission_id, 1, "revision-requested", "再亮一点")
        with unit_of_work(manager, engine=app_engine) as session:
            assert content_review.add_file(session, submission_id=submission_id, stored=stored) is not None
        assert [r[0] for r in _rows(owner_engine, submission_id)] == [1, 2]


class _Upload:
    """What st.file_uploader hands over."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name

    def getvalue(self) -> bytes:
        return self.data


def test_a_failed_upload_leaves_no_file_behind(app_engine, owner_engine, monkeypatch):
    """Every file was stored before the transaction: a bad second file, a refused caption or a refused row left
    the first one's bytes (and thumbnail) on the disk with no row. Now what the upload wrote is taken back, unless
    a row uses it."""
    import hashlib

    from circlue import db
    from circlue.ui.production import save_uploads
    from tests.content_helpers import new_submission, own_content, pair_of

    monkeypatch.setattr(db, "app_engine", lambda: app_engine)
    fresh, used = png("teal", size=(91, 37)), png()  # `used` is new_submission's picture: a row names it

    def on_disk(data: bytes) -> list:
        return list(media.media_root().glob(f"*/{hashlib.sha256(data).hexdigest()}*"))

    with own_content(owner_engine) as made:
        manager, submission_id = _draft(app_engine, owner_engine, made, "image")
        under_review = new_submission(manager, app_engine, pair_of(owner_engine, GLOW), sent=True)
        made.append(under_review)
        media.discard([k.relative_to(media.media_root().parent).as_posix() for k in on_disk(used)])
        for target, uploads in (
            # A bad third file, after two were stored.
            (submission_id, [_Upload(fresh, "ok.png"), _Upload(used, "u.png"), _Upload(b"MZ\x90" + bytes(60), "x.jpg")]),
            # The rows refused (the submission is under review), after both were stored.
            (under_review, [_Upload(fresh, "ok.png"), _Upload(used, "u.png")]),
        ):
            with pytest.raises(ValidationError):
                save_uploads(manager, submission_id=target, caption="好", uploads=uploads)
            assert _rows(owner_engine, submission_id) == []
            assert not on_disk(fresh), "the new file and its thumbnail are gone"
            assert len(on_disk(used)) == 2, "a file a row uses stays (written again by this upload)"
        message = save_uploads(manager, submission_id=submission_id, caption="好",
                               uploads=[_Upload(fresh, "ok.png"), _Upload(fresh, "ok again.png")])
        assert "파일 1개를 올렸습니다" in message and "1개는 건너뛰었습니다" in message, message
        assert len(_rows(owner_engine, submission_id)) == 1 and len(on_disk(fresh)) == 2
