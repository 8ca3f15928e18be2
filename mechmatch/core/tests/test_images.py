import io

import pytest
from PIL import Image

from mechmatch.core.images import ImageRejected, reencode


def _png(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, "PNG")
    return out.getvalue()


def test_an_opaque_image_becomes_a_fresh_jpeg():
    image = reencode(_png(), max_side=100)
    assert image.content_type == "image/jpeg" and image.data.startswith(b"\xff\xd8")


def test_transparency_is_kept_as_png():
    assert reencode(_png(mode="RGBA"), max_side=100).extension == "png"


def test_large_images_are_scaled_to_the_longest_side():
    stored = reencode(_png(size=(1000, 500)), max_side=200)
    assert Image.open(io.BytesIO(stored.data)).size == (200, 100)


def test_bytes_appended_to_an_image_do_not_survive():
    stored = reencode(_png() + b"<script>alert(1)</script>", max_side=100)
    assert b"<script>" not in stored.data


@pytest.mark.parametrize("raw", [b"", b"<svg onload=alert(1)>", b"GIF89a" + b"\x00" * 20])
def test_anything_but_a_jpeg_png_or_webp_is_refused(raw):
    with pytest.raises(ImageRejected):
        reencode(raw, max_side=100)
