"""Portrait-style avatars for demo mechanics, drawn rather than downloaded (no network at
run time, no stock photos of real people): head, hair, shoulders and a face on a soft
background, varied by one integer so a seed always draws the same faces.

Each portrait is drawn at four times its size and scaled down, which is the cheapest
anti-aliasing Pillow offers; one 192-pixel PNG takes a few milliseconds."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

SIZE = 192
_SCALE = 4

BACKGROUNDS = ("#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#e0e7ff", "#ccfbf1", "#f3e8ff", "#ffedd5")
SKIN_TONES = ("#f9d7b9", "#eec39a", "#d9a066", "#c68642", "#8d5524", "#5c3a1e")
HAIR_COLOURS = ("#1f1a17", "#3b2a20", "#6b4423", "#a0522d", "#d6b370", "#9e9e9e", "#2d2d2d")
SHIRT_COLOURS = ("#1e3a8a", "#065f46", "#7c2d12", "#374151", "#1d4ed8", "#b45309", "#0f766e", "#4c1d95")
HAIR_STYLES = ("short", "long", "bald", "cap", "curly")


def avatar_png(index: int) -> bytes:
    """The PNG bytes of avatar number `index` (any int; the same int draws the same face)."""
    rng = random.Random(index)
    s = SIZE * _SCALE
    image = Image.new("RGB", (s, s), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    skin, hair, shirt = rng.choice(SKIN_TONES), rng.choice(HAIR_COLOURS), rng.choice(SHIRT_COLOURS)
    style = rng.choice(HAIR_STYLES)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (int(x0 * s), int(y0 * s), int(x1 * s), int(y1 * s))

    # Shoulders and neck, then the head over them.
    draw.ellipse(box(0.12, 0.72, 0.88, 1.25), fill=shirt)
    draw.rectangle(box(0.43, 0.58, 0.57, 0.78), fill=skin)
    if style == "long":
        draw.rounded_rectangle(box(0.27, 0.2, 0.73, 0.75), radius=int(0.18 * s), fill=hair)
    draw.ellipse(box(0.3, 0.22, 0.7, 0.68), fill=skin)
    if style == "short":
        draw.chord(box(0.28, 0.17, 0.72, 0.55), 180, 360, fill=hair)
    elif style == "long":
        draw.chord(box(0.28, 0.17, 0.72, 0.5), 180, 360, fill=hair)
    elif style == "curly":
        for i in range(7):
            cx = 0.32 + i * 0.06
            draw.ellipse(box(cx - 0.06, 0.19, cx + 0.06, 0.33), fill=hair)
    elif style == "cap":
        draw.chord(box(0.28, 0.15, 0.72, 0.5), 180, 360, fill=shirt)
        draw.rectangle(box(0.3, 0.31, 0.8, 0.35), fill=shirt)
    # Eyes, brows and a smile.
    eye_y = 0.43 + rng.uniform(-0.01, 0.01)
    for cx in (0.42, 0.58):
        draw.ellipse(box(cx - 0.02, eye_y - 0.02, cx + 0.02, eye_y + 0.02), fill="#1f2937")
        draw.line(box(cx - 0.04, eye_y - 0.05, cx + 0.04, eye_y - 0.055), fill=hair, width=int(0.012 * s))
    draw.arc(box(0.42, 0.47, 0.58, 0.6), 20, 160, fill="#7f1d1d", width=int(0.014 * s))
    if rng.random() < 0.25:  # a beard
        draw.chord(box(0.33, 0.45, 0.67, 0.69), 0, 180, fill=hair)
        draw.arc(box(0.42, 0.47, 0.58, 0.6), 20, 160, fill="#7f1d1d", width=int(0.014 * s))

    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
