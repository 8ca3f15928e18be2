from __future__ import annotations

import io

from PIL import Image

from mechmatch.core.avatars import SIZE, avatar_png


def test_the_same_number_draws_the_same_portrait():
    assert avatar_png(7) == avatar_png(7)


def test_different_numbers_draw_different_portraits():
    assert len({avatar_png(i) for i in range(12)}) == 12


def test_a_portrait_is_a_square_png_of_the_avatar_size():
    image = Image.open(io.BytesIO(avatar_png(3)))
    assert image.format == "PNG"
    assert image.size == (SIZE, SIZE)
