"""Turning an uploaded file into an image we are willing to store: decode it, keep only
the pixels, and write a fresh JPEG or PNG. Nothing of the original bytes (scripts,
polyglot payloads, EXIF with GPS) survives.

Decoding is the slow part (a 6300x6300 PNG takes ~0.4 s of a quiet core, seconds on a busy
one), so its cost is bounded before it starts: the header's size is read first (Pillow's
`Image.open` decodes nothing), a JPEG is scaled down inside the decoder (`draft`: DCT
scaling by 1/2, 1/4 or 1/8, a fraction of a full decode), and a PNG or WebP, which has no
such shortcut, is refused past MAX_DECODED_PIXELS rather than inflated in full. Callers
run this before they open a write transaction."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Decompression bombs: refused from the header alone.
MAX_INPUT_PIXELS = 40_000_000
MAX_INPUT_SIDE = 12_000
# The most pixels decoded for one upload, after a JPEG's in-decoder scaling: a 12 MP phone
# photo (4032x3024) fits as a PNG; anything larger must be a JPEG or be saved smaller.
MAX_DECODED_SIDE = 4096
MAX_DECODED_PIXELS = MAX_DECODED_SIDE * MAX_DECODED_SIDE


class ImageRejected(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ReencodedImage:
    data: bytes
    extension: str
    content_type: str


def reencode(raw: bytes, *, max_side: int) -> ReencodedImage:
    """Raises ImageRejected with a sentence a person can act on."""
    not_an_image = ImageRejected(_("Only JPEG, PNG or WebP images can be uploaded."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width > MAX_INPUT_SIDE or height > MAX_INPUT_SIDE or width * height > MAX_INPUT_PIXELS:
                raise ImageRejected(
                    _("That image is %(width)s×%(height)s pixels, which is too large to process.")
                    % {"width": width, "height": height}
                )
            probe.verify()
        # verify() leaves the image unusable; decode afresh. Only decoded pixels are kept.
        with Image.open(io.BytesIO(raw)) as opened:
            image = _decode_bounded(opened, max_side=max_side)
            image = ImageOps.exif_transpose(image)  # apply orientation before EXIF is dropped
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


def _decode_bounded(image: ImageFile.ImageFile, *, max_side: int) -> Image.Image:
    """Decode at most MAX_DECODED_PIXELS, shrinking in the decoder where the format allows."""
    if image.format == "JPEG":
        # Keeps both sides >= max_side where it can, so thumbnail() still has enough pixels.
        image.draft(None, (max_side, max_side))
    width, height = image.size
    if width * height > MAX_DECODED_PIXELS:
        raise ImageRejected(
            _(
                "That image is %(width)s×%(height)s pixels: a PNG or WebP image may have at most "
                "%(side)s×%(side)s. Save it smaller or as a JPEG."
            )
            % {"width": width, "height": height, "side": MAX_DECODED_SIDE}
        )
    image.load()
    return image
