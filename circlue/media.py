"""Content files: checked by what they contain, stored once by SHA-256 under CIRCLUE_DATA_DIR/media.

Images are opened and verified by Pillow (JPEG, PNG, WebP); videos are recognised by their container structure
(MP4 and MOV: a chain of ISO-BMFF boxes starting with `ftyp` and holding `moov`; WebM: an EBML header whose
DocType is `webm`), which also gives their duration (MP4/MOV `mvhd`, WebM `Info/Duration`). A file's name never
decides its type and never becomes a path: it is stored as `media/<first two hex>/<sha256>.<ext>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import struct
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from circlue.config import get_settings
from circlue.errors import ValidationError

# Pillow format -> (MIME type, stored extension)
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
VIDEO_FORMATS = {"mp4": ("video/mp4", "mp4"), "mov": ("video/quicktime", "mov"), "webm": ("video/webm", "webm")}
THUMBNAIL_BOX = (480, 480)
KEY = re.compile(r"media/[0-9a-f]{2}/[0-9a-f]{64}(\.thumb)?\.(jpg|png|webp|mp4|mov|webm)")
_BAD_TYPE = (
    "이미지(JPEG·PNG·WebP) 또는 동영상(MP4·MOV·WebM)만 올릴 수 있습니다. 이 파일의 내용은 그 형식이 아닙니다 / "
    "only images (JPEG, PNG, WebP) and videos (MP4, MOV, WebM) can be uploaded; this file's content is neither"
)


@dataclass(frozen=True)
class Detected:
    """What a file's bytes are: image or video, its MIME type and extension, and a video's duration."""

    kind: str
    mime: str
    ext: str
    duration: int | None = None


@dataclass(frozen=True)
class StoredFile:
    """A checked file in the media store: the values a content_files row records."""

    file_url: str
    file_type: str
    file_size: int
    thumbnail_url: str | None
    duration: int | None
    original_name: str
    sha256: str


def safe_name(name: str) -> str:
    """The uploaded name as we keep it for people to read; a name carrying a path is refused."""
    raw = name or ""
    if "/" in raw or "\\" in raw or raw.strip() in ("", ".", "..") or ".." in raw.split("/"):
        raise ValidationError(
            "파일 이름에 경로를 넣을 수 없습니다 / a file name may not contain a path",
            fields={"file": "파일 이름에 경로를 넣을 수 없습니다 / a file name may not contain a path"},
        )
    cleaned = unicodedata.normalize("NFC", raw)
    # Control, format (direction, zero-width) and other invisible characters go; letters of any script stay.
    cleaned = "".join(c for c in cleaned if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if not cleaned:
        raise ValidationError("파일 이름이 비어 있습니다 / the file has no usable name", fields={"file": "이름 / name"})
    stem, dot, ext = cleaned.rpartition(".")
    if dot and len(ext) <= 10:
        return stem[: 199 - len(ext)] + "." + ext
    return cleaned[:200]


def detect(data: bytes) -> Detected:
    """Recognise an image or video by its content, or raise ValidationError."""
    if not data:
        raise ValidationError("빈 파일입니다 (0 바이트) / the file is empty (0 bytes)", fields={"file": "0 bytes"})
    video = _video(data)
    if video is not None:
        return video
    try:
        with warnings.catch_warnings():
            # A decompression bomb (a huge canvas in a small file) is refused, not warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, struct.error):
        raise ValidationError(_BAD_TYPE, fields={"file": _BAD_TYPE}) from None
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(_BAD_TYPE, fields={"file": _BAD_TYPE})
    mime, ext = IMAGE_FORMATS[fmt]
    return Detected("image", mime, ext)


def check(data: bytes, name: str) -> tuple[Detected, str]:
    """Name, content and size checked together: (what it is, the name to keep)."""
    kept = safe_name(name)
    settings = get_settings()
    # Refuse the largest files before reading them as media at all.
    if len(data) > max(settings.max_image_bytes, settings.max_video_bytes):
        raise _too_big(len(data), max(settings.max_image_bytes, settings.max_video_bytes))
    found = detect(data)
    limit = settings.max_image_bytes if found.kind == "image" else settings.max_video_bytes
    if len(data) > limit:
        raise _too_big(len(data), limit)
    return found, kept


def _too_big(size: int, limit: int) -> ValidationError:
    message = (
        f"파일이 너무 큽니다 ({size / 1048576:.1f} MB, 최대 {limit // 1048576} MB) / "
        f"the file is too large ({size / 1048576:.1f} MB; at most {limit // 1048576} MB)"
    )
    return ValidationError(message, fields={"file": message})


def media_root() -> Path:
    """The media store's folder (created on first use)."""
    root = get_settings().media_dir
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def path_of(key: str) -> Path:
    """The file a stored key names; refused unless it is one of ours and inside the store."""
    if not KEY.fullmatch(key or ""):
        raise ValidationError("저장된 파일이 아닙니다 / not a stored file")
    root = media_root()
    path = (root / key.removeprefix("media/")).resolve()
    if not path.is_relative_to(root):
        raise ValidationError("저장된 파일이 아닙니다 / not a stored file")
    return path


def _put(key: str, data: bytes) -> None:
    """Write `data` under `key` unless it is already there; an existing file is never overwritten."""
    path = path_of(key)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        with contextlib.suppress(FileExistsError):  # an existing file is never overwritten, even in a race
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_BOX, upright (EXIF orientation applied)."""
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_BOX)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
        return out.getvalue()


def store(data: bytes, name: str) -> StoredFile:
    """Check a file and put it (and an image's thumbnail) in the store; returns what its row records."""
    found, kept = check(data, name)
    digest = hashlib.sha256(data).hexdigest()
    key = f"media/{digest[:2]}/{digest}.{found.ext}"
    _put(key, data)
    thumbnail = None
    if found.kind == "image":
        thumbnail = f"media/{digest[:2]}/{digest}.thumb.jpg"
        try:
            _put(thumbnail, _thumbnail(data))
        except (OSError, ValueError):
            thumbnail = None  # verified but not decodable in full (a truncated tail): shown without a preview
    return StoredFile(key, found.mime, len(data), thumbnail, found.duration, kept, digest)


# -- Video containers -----------------------------------------------------------------------------------------

_FOURCC = re.compile(rb"[A-Za-z0-9 \xa9_-]{4}")  # \xa9: the © of QuickTime metadata
_QUICKTIME_BRANDS = {b"qt  "}


def _video(data: bytes) -> Detected | None:
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return _iso_bmff(data)
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return _webm(data)
    return None


def _boxes(data: bytes, start: int, end: int):
    """ISO-BMFF boxes between start and end as (type, payload start, box end); raises ValueError if malformed."""
    pos = start
    while pos < end:
        if end - pos < 8:
            raise ValueError("truncated box")
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if end - pos < 16:
                raise ValueError("truncated box")
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end or not _FOURCC.fullmatch(kind):
            raise ValueError("not a box")
        yield kind, pos + header, pos + size
        pos += size


def _iso_bmff(data: bytes) -> Detected | None:
    """MP4 or MOV: every top-level box well formed, `ftyp` first, a `moov`; the duration from `mvhd`."""
    try:
        boxes = list(_boxes(data, 0, len(data)))
        if boxes[0][0] != b"ftyp":
            return None
        brand = data[boxes[0][1] : boxes[0][1] + 4]
        moov = next((b for b in boxes if b[0] == b"moov"), None)
        if moov is None:
            return None
        duration = None
        for kind, start, end in _boxes(data, moov[1], moov[2]):
            if kind == b"mvhd" and end - start >= 20:
                version = data[start]
                if version == 1 and end - start >= 32:
                    timescale, length = struct.unpack(">IQ", data[start + 20 : start + 32])
                else:
                    timescale, length = struct.unpack(">II", data[start + 12 : start + 20])
                duration = round(length / timescale) if timescale else None
                break
    except (ValueError, struct.error, IndexError):
        return None
    mime, ext = VIDEO_FORMATS["mov" if brand in _QUICKTIME_BRANDS else "mp4"]
    return Detected("video", mime, ext, duration)


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at pos: (value, next position)."""
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise ValueError("bad vint")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _elements(data: bytes, start: int, end: int):
    """EBML elements between start and end as (id, payload start, payload end); unknown sizes run to end."""
    pos = start
    while pos < end:
        element, pos = _vint(data, pos, keep_marker=True)
        size_start = pos
        size, pos = _vint(data, pos, keep_marker=False)
        if size == (1 << (7 * (pos - size_start))) - 1:  # all ones: unknown size
            size = end - pos
        if pos + size > end:
            raise ValueError("element past its parent")
        yield element, pos, pos + size
        pos += size


def _webm(data: bytes) -> Detected | None:
    """WebM: an EBML header with DocType `webm`; the duration from Segment/Info when it is there."""
    try:
        elements = _elements(data, 0, len(data))
        header_id, start, end = next(elements)
        doctype = next((data[s:e] for i, s, e in _elements(data, start, end) if i == 0x4282), b"")
        if header_id != 0x1A45DFA3 or doctype.rstrip(b"\0") != b"webm":
            return None
        duration = None
        segment = next((e for e in elements if e[0] == 0x18538067), None)
        if segment is not None:
            for element, s, e in _elements(data, segment[1], segment[2]):
                if element == 0x1549A966:
                    scale, length = 1_000_000, None
                    for child, cs, ce in _elements(data, s, e):
                        if child == 0x2AD7B1:
                            scale = int.from_bytes(data[cs:ce], "big")
                        elif child == 0x4489 and ce - cs in (4, 8):
                            length = struct.unpack(">f" if ce - cs == 4 else ">d", data[cs:ce])[0]
                    if length is not None:
                        duration = round(length * scale / 1e9)
                    break
    except (ValueError, StopIteration, IndexError, struct.error):
        return None
    mime, ext = VIDEO_FORMATS["webm"]
    return Detected("video", mime, ext, duration)
