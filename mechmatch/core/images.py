"""Turning an uploaded file into an image we are willing to store: decode it, keep only
the pixels, and write a fresh JPEG or PNG. Nothing of the original bytes (scripts,
polyglot payloads, EXIF with GPS) survives."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Decompression bombs: refuse before decoding anything this large.
MAX_INPUT_PIXELS = 40_000_000
MAX_INPUT_SIDE = 12_000


class ImageRejected(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ReencodedImage:
    data: bytes
    extension: str
    content_type: str


def reencode(raw: bytes, *, max_side: int) -> ReencodedImage:
    """Raises ImageRejected with a sentence a person can act on."""
    not_an_image = ImageRejected("Only JPEG, PNG or WebP images can be uploaded.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width > MAX_INPUT_SIDE or height > MAX_INPUT_SIDE or width * height > MAX_INPUT_PIXELS:
                raise ImageRejected("That image's dimensions are too large.")
            probe.verify()
        # verify() leaves the image unusable; decode afresh. Only decoded pixels are kept.
        with Image.open(io.BytesIO(raw)) as decoded:
            decoded.load()
            image = ImageOps.exif_transpose(decoded)  # apply orientation before EXIF is dropped
            image.thumbnail((max_side, max_side))
            has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                return ReencodedImage(out.getvalue(), "png", "image/png")
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            return ReencodedImage(out.getvalue(), "jpg", "image/jpeg")
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
