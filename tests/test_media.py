"""Upload checks: types by content, sizes from configuration, names without paths, content-addressed storage."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from circlue import config, media
from circlue.errors import ValidationError
from tests.content_helpers import jpeg, mp4, png


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


def test_a_webm_header_is_a_video():
    def element(element_id: int, payload: bytes) -> bytes:
        return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + bytes([0x80 | len(payload)]) + payload

    info = element(0x1549A966, element(0x2AD7B1, (1_000_000).to_bytes(3, "big")) + element(0x4489, struct.pack(">d", 9000.0)))
    webm = element(0x1A45DFA3, element(0x4282, b"webm")) + element(0x18538067, info)
    assert media.detect(webm) == media.Detected("video", "video/webm", "webm", 9)
    matroska = element(0x1A45DFA3, element(0x4282, b"matroska")) + element(0x18538067, info)
    with pytest.raises(ValidationError):
        media.detect(matroska)


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
