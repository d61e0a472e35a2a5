"""Video containers read from their structure: MP4/MOV (ISO-BMFF boxes) and WebM (EBML elements).

A file is a video only if its container holds a real track (MP4/MOV: a `moov/trak` whose `mdia/hdlr` is `vide`
or `soun` and which has a sample table; WebM: `Segment/Tracks` with a video or audio `TrackEntry`), and only a
little room for anything else (padding and unknown top-level boxes or elements together at most PADDING_LIMIT), so
a few bytes of container around an executable or a page are not a video. Durations the container gives are kept
only when they are believable (finite, not negative, at most MAX_SECONDS and not the "unknown" all-ones value).
"""

from __future__ import annotations

import math
import re
import struct

# MIME type and stored extension by container.
VIDEO_FORMATS = {"mp4": ("video/mp4", "mp4"), "mov": ("video/quicktime", "mov"), "webm": ("video/webm", "webm")}
# A post's video is minutes long; a container claiming more than a day is wrong (or means "unknown").
MAX_SECONDS = 24 * 3600
# Free space, padding and boxes we do not know, together: room for an encoder's reserve, not for a payload.
PADDING_LIMIT = 1 << 20

_FOURCC = re.compile(rb"[A-Za-z0-9 \xa9_-]{4}")  # \xa9: the © of QuickTime metadata
_QUICKTIME_BRANDS = {b"qt  "}
# Top-level ISO-BMFF boxes that hold a movie (ISO 14496-12 and QuickTime); any other top-level box is padding.
_MOVIE_BOXES = {b"ftyp", b"moov", b"mdat", b"moof", b"mfra", b"styp", b"sidx", b"ssix", b"prft", b"emsg", b"meta",
                b"pdin"}
_TRACK_HANDLERS = {b"vide", b"soun"}

# EBML / Matroska element ids.
_EBML, _DOCTYPE, _SEGMENT = 0x1A45DFA3, 0x4282, 0x18538067
_INFO, _TIMECODE_SCALE, _DURATION = 0x1549A966, 0x2AD7B1, 0x4489
_TRACKS, _TRACK_ENTRY, _TRACK_TYPE = 0x1654AE6B, 0xAE, 0x83
# Segment children WebM defines (SeekHead, Info, Tracks, Cues, Cluster, Chapters, Tags); others are padding.
_SEGMENT_CHILDREN = {0x114D9B74, _INFO, _TRACKS, 0x1C53BB6B, 0x1F43B675, 0x1043A770, 0x1254C367}
_WEBM_TRACK_TYPES = {1, 2}  # video, audio


def video_of(data: bytes) -> tuple[str, str, int | None] | None:
    """(MIME type, extension, duration in seconds or None) when the bytes are a video with a track, else None."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return _iso_bmff(data)
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return _webm(data)
    return None


def plausible_seconds(length: float, per_second: float) -> int | None:
    """`length / per_second` in whole seconds, or None when that is not a duration a video can have."""
    try:
        seconds = length / per_second
    except (ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_SECONDS:
        return None
    return round(seconds)


# -- ISO-BMFF (MP4, MOV) ----------------------------------------------------------------------------------------


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


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _boxes(data, start, end) if k == kind), None)


def _has_track(data: bytes, moov: tuple[int, int]) -> bool:
    """A `trak` whose media handler is video or sound and which has a sample table (`mdia/minf/stbl`)."""
    for kind, start, end in _boxes(data, *moov):
        if kind != b"trak":
            continue
        mdia = _child(data, start, end, b"mdia")
        if mdia is None:
            continue
        hdlr, minf = _child(data, *mdia, b"hdlr"), _child(data, *mdia, b"minf")
        # hdlr: version and flags (4), pre_defined / QuickTime component type (4), handler type (4), ...
        if hdlr is None or minf is None or hdlr[1] - hdlr[0] < 12:
            continue
        if data[hdlr[0] + 8 : hdlr[0] + 12] in _TRACK_HANDLERS and _child(data, *minf, b"stbl") is not None:
            return True
    return False


def _mvhd_seconds(data: bytes, start: int, end: int) -> int | None:
    version = data[start]
    if version == 1 and end - start >= 32:
        timescale, length = struct.unpack(">IQ", data[start + 20 : start + 32])
        unknown = length == (1 << 64) - 1
    elif end - start >= 20:
        timescale, length = struct.unpack(">II", data[start + 12 : start + 20])
        unknown = length == (1 << 32) - 1
    else:
        return None
    # ISO 14496-12 8.2.2.3: all ones means the duration is not known (fragmented or live files).
    return None if unknown else plausible_seconds(length, timescale)


def _iso_bmff(data: bytes) -> tuple[str, str, int | None] | None:
    """MP4 or MOV: every top-level box well formed, `ftyp` first, a `moov` with a track; the duration from `mvhd`."""
    try:
        boxes = list(_boxes(data, 0, len(data)))
        if boxes[0][0] != b"ftyp":
            return None
        brand = data[boxes[0][1] : boxes[0][1] + 4]
        if sum(end - start for kind, start, end in boxes if kind not in _MOVIE_BOXES) > PADDING_LIMIT:
            return None
        moov = next(((s, e) for k, s, e in boxes if k == b"moov"), None)
        if moov is None or not _has_track(data, moov):
            return None
        mvhd = _child(data, *moov, b"mvhd")
        duration = _mvhd_seconds(data, *mvhd) if mvhd else None
    except (ValueError, struct.error, IndexError):
        return None
    return (*VIDEO_FORMATS["mov" if brand in _QUICKTIME_BRANDS else "mp4"], duration)


# -- EBML (WebM) ------------------------------------------------------------------------------------------------


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


def _uint(data: bytes, start: int, end: int) -> int:
    return int.from_bytes(data[start:end], "big")


def _webm_seconds(data: bytes, start: int, end: int) -> int | None:
    """Segment/Info: Duration (a float in TimecodeScale units, nanoseconds by default) as seconds."""
    scale, length = 1_000_000, None
    for child, cs, ce in _elements(data, start, end):
        if child == _TIMECODE_SCALE:
            scale = _uint(data, cs, ce)
        elif child == _DURATION and ce - cs in (4, 8):
            length = struct.unpack(">f" if ce - cs == 4 else ">d", data[cs:ce])[0]
    if length is None or not scale:
        return None
    try:
        return plausible_seconds(length * scale, 1e9)
    except OverflowError:  # float(scale) of an absurd TimecodeScale
        return None


def _has_webm_track(data: bytes, start: int, end: int) -> bool:
    """Tracks holds a TrackEntry whose TrackType is video or audio."""
    for entry, es, ee in _elements(data, start, end):
        if entry != _TRACK_ENTRY:
            continue
        if any(child == _TRACK_TYPE and _uint(data, cs, ce) in _WEBM_TRACK_TYPES
               for child, cs, ce in _elements(data, es, ee)):
            return True
    return False


def _webm(data: bytes) -> tuple[str, str, int | None] | None:
    """WebM: an EBML header with DocType `webm`, a Segment with a video or audio track; the duration from Info."""
    try:
        top = list(_elements(data, 0, len(data)))
        header_id, start, end = top[0]
        doctype = next((data[s:e] for i, s, e in _elements(data, start, end) if i == _DOCTYPE), b"")
        if header_id != _EBML or doctype.rstrip(b"\0") != b"webm":
            return None
        segment = next(((s, e) for i, s, e in top if i == _SEGMENT), None)
        if segment is None:
            return None
        padding = sum(e - s for i, s, e in top[1:] if i != _SEGMENT)
        duration, track = None, False
        for element, s, e in _elements(data, *segment):
            if element == _INFO:
                duration = _webm_seconds(data, s, e)
            elif element == _TRACKS:
                track = track or _has_webm_track(data, s, e)
            elif element not in _SEGMENT_CHILDREN:
                padding += e - s
        if not track or padding > PADDING_LIMIT:
            return None
    except (ValueError, IndexError, struct.error):
        return None
    return (*VIDEO_FORMATS["webm"], duration)
