"""Placeholder pictures for demo content: simple gradients with shapes, made with Pillow and stored like uploads."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

from circlue.media import StoredFile, store

# Colours per kind of brand (beauty pinks, fashion neutrals, food warm tones).
PALETTES = {
    "beauty": ((250, 218, 221), (233, 150, 170), (255, 244, 240)),
    "fashion": ((222, 214, 200), (120, 110, 100), (245, 240, 232)),
    "food": ((255, 224, 178), (230, 126, 34), (255, 248, 225)),
}


def picture(kind: str, number: int, size: tuple[int, int] = (540, 720)) -> bytes:
    """A deterministic JPEG for `kind` and `number`: a vertical gradient with a few soft shapes."""
    rng = random.Random(f"{kind}:{number}")
    top, accent, bottom = PALETTES[kind]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(4):
        r = rng.randint(40, 140)
        x, y = rng.randint(0, width), rng.randint(0, height)
        tint = tuple(min(255, max(0, c + rng.randint(-30, 30))) for c in accent)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tint)
    # A "product": a rounded bottle or box in the middle.
    w, h = width // 4, height // 3
    x0, y0 = (width - w) // 2, (height - h) // 2 + rng.randint(-40, 40)
    draw.rounded_rectangle([x0, y0, x0 + w, y0 + h], radius=24, fill=(255, 255, 255), outline=accent, width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=72)
    return out.getvalue()


class PictureShelf:
    """Stores each placeholder once per process and hands out the stored file."""

    def __init__(self) -> None:
        self._stored: dict[tuple[str, int], StoredFile] = {}

    def get(self, kind: str, number: int) -> StoredFile:
        """The stored placeholder `number` (0-11) of a kind of brand."""
        key = (kind, number % 12)
        if key not in self._stored:
            self._stored[key] = store(picture(kind, key[1]), f"{kind}_{key[1]:02d}.jpg")
        return self._stored[key]
