"""Content files: checked by what they contain, stored once by SHA-256 under CIRCLUE_DATA_DIR/media.

Images are opened and verified by Pillow (JPEG, PNG, WebP only), refused above MAX_PIXELS from their header before
anything is decoded, and thumbnailed from a reduced decode; videos are recognised by their container and its tracks
(`circlue.videos`), which also give their duration. A file's name never decides its type and never becomes a
path: it is stored as `media/<first two hex>/<sha256>.<ext>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import struct
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from circlue.config import get_settings
from circlue.errors import ValidationError
from circlue.videos import video_of

# Pillow format -> (MIME type, stored extension)
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
THUMBNAIL_BOX = (480, 480)  # square, so shrinking before turning upright gives the same picture
# The largest picture decoded at all: 40 megapixels (a 50 MP phone's full resolution is 8160 x 6120; posts are far
# smaller). Checked from the header, so a small file declaring a huge canvas is refused before it costs memory.
MAX_PIXELS = 40_000_000
# Pillow decodes a WebP whole, in about four full-size copies (no reduced decode as for JPEG): 12 MP (4000 x 3000)
# keeps its thumbnail near the 200 MB a 40 MP PNG costs.
MAX_WEBP_PIXELS = 12_000_000
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
    # The keys this call wrote (not there before): what to take back when the rows that would use them fail.
    written: tuple[str, ...] = ()


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
    video = video_of(data)
    if video is not None:
        return Detected("video", *video)
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
            fmt, (width, height) = image.format, image.size
            limit = MAX_WEBP_PIXELS if fmt == "WEBP" else MAX_PIXELS
            if width * height > limit:
                raise _too_many_pixels(f"{width}×{height}", limit)
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit (about 179 MP, or a warnings filter set to "error") comes before ours: same answer.
        raise _too_many_pixels("", MAX_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
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


def _too_many_pixels(size: str, limit: int) -> ValidationError:
    shown = f"{size}, " if size else ""
    message = (
        f"이미지 해상도가 너무 큽니다 ({shown}최대 {limit // 1_000_000} 메가픽셀) / "
        f"the picture has too many pixels ({shown}at most {limit // 1_000_000} megapixels)"
    )
    return ValidationError(message, fields={"file": message})


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


def _put(key: str, data: bytes) -> bool:
    """Write `data` under `key` unless it is already there (an existing file is never overwritten); True if written."""
    path = path_of(key)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:  # an existing file is never overwritten, even in a race
            return False
    finally:
        os.unlink(tmp)
    return True


def _thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_BOX, upright (EXIF orientation applied)."""
    with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
        # Shrink first (a JPEG decodes at 1/2 to 1/8 scale via draft, others reduce while resizing), then turn the
        # small copy upright: turning the full picture first would copy it at full size.
        image.draft("RGB", THUMBNAIL_BOX)
        if image.mode in ("RGBA", "LA") and max(image.size) > 4 * max(THUMBNAIL_BOX):
            # A filtered resize premultiplies alpha into a second full-size copy; a nearest-pixel step down to
            # four times the box first does not (the filtered step below then smooths it).
            image.thumbnail((4 * THUMBNAIL_BOX[0], 4 * THUMBNAIL_BOX[1]), Image.Resampling.NEAREST, reducing_gap=None)
        image.thumbnail(THUMBNAIL_BOX)
        image = ImageOps.exif_transpose(image)
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
    written = [key] if _put(key, data) else []
    thumbnail = None
    if found.kind == "image":
        thumbnail = f"media/{digest[:2]}/{digest}.thumb.jpg"
        try:
            if _put(thumbnail, _thumbnail(data)):
                written.append(thumbnail)
        except (OSError, ValueError, SyntaxError, struct.error):
            thumbnail = None  # verified but not decodable in full (a truncated tail): shown without a preview
    return StoredFile(key, found.mime, len(data), thumbnail, found.duration, kept, digest, tuple(written))


# Stored files recently shown, by key (content-addressed, so never stale): st.video of a path reads the whole file
# again on every script run; handed the same bytes object it only fingerprints it. Bounded by size, per process.
CACHE_BYTES = 512 * 1024 * 1024
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def cached_bytes(key: str) -> bytes | None:
    """A stored file's bytes, from memory when recently read; None when the file is not on the disk."""
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    path = path_of(key)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    with _cache_lock:
        _cache[key] = data
        _cache.move_to_end(key)
        while len(_cache) > 1 and sum(len(v) for v in _cache.values()) > CACHE_BYTES:
            _cache.popitem(last=False)
    return data


def discard(keys: list[str] | tuple[str, ...]) -> None:
    """Delete stored files (keys a failed upload wrote and no row uses); a missing file is not an error."""
    for key in keys:
        with contextlib.suppress(FileNotFoundError):
            path_of(key).unlink()
        with _cache_lock:
            _cache.pop(key, None)
