import io

import pytest
from PIL import Image, ImageFile

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


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image the decoder was asked to decode."""
    sizes: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        sizes.append(image.size)
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_a_png_with_more_pixels_than_the_decoding_cap_is_refused_before_decoding(decoded_sizes):
    with pytest.raises(ImageRejected, match="6300×6300"):
        reencode(_png(size=(6300, 6300)), max_side=800)
    assert decoded_sizes == []


def test_a_huge_jpeg_is_scaled_down_in_the_decoder_and_kept(decoded_sizes):
    stored = reencode(_jpeg((6300, 6300)), max_side=800)
    assert Image.open(io.BytesIO(stored.data)).size == (800, 800)
    assert set(decoded_sizes) == {(1575, 1575)}  # a quarter of each side, never 6300x6300


def test_a_header_claiming_more_than_the_input_cap_is_refused(decoded_sizes):
    with pytest.raises(ImageRejected, match="too large"):
        reencode(_png(size=(12_001, 10)), max_side=100)
    assert decoded_sizes == []
