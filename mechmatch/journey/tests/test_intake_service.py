from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mechmatch.journey.models import Intake
from mechmatch.journey.services import intake_current, intake_photo_add, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST

pytestmark = pytest.mark.django_db

FIELDS = {k: v for k, v in INTAKE_POST.items()} | {"prefer_local": True}


def _jpeg_with_exif(size=(800, 600)) -> bytes:  # noqa: ANN001
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (43.0, 39.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_new_intake_is_prefilled_with_the_customers_saved_location(customer):
    intake = intake_current(user=customer.user)
    assert (intake.country, intake.postal_code) == ("CA", "M5V 2T6")
    assert intake_current(user=customer.user).pk == intake.pk  # resumed, not duplicated


def test_a_valid_intake_is_ready_and_geocoded(customer):
    intake = intake_submit(intake=intake_current(user=customer.user), data=FIELDS)
    assert intake.status == Intake.Status.READY
    assert intake.postal_code == "M5V 1A1" and intake.latitude is not None
    assert intake.vehicle is not None and intake.make == "Honda"


def test_every_wrong_field_is_named_and_what_was_typed_is_kept(customer):
    intake = intake_current(user=customer.user)
    data = FIELDS | {"year": "19", "make": "", "postal_code": "12345", "concern": "Grinding noise"}
    with pytest.raises(ValidationError) as caught:
        intake_submit(intake=intake, data=data)
    assert {"year", "make", "postal_code"} <= set(caught.value.message_dict)
    intake.refresh_from_db()
    assert (intake.year, intake.postal_code, intake.concern) == ("19", "12345", "Grinding noise")
    assert intake.status == Intake.Status.DRAFT


def test_a_brand_specialist_request_asks_for_the_vehicles_brand(customer):
    intake = intake_submit(
        intake=intake_current(user=customer.user), data=FIELDS | {"make": "chevy", "request_type": "brand_specialist"}
    )
    assert intake.requested_brand == "Chevrolet"


def test_photos_are_re_encoded_without_their_metadata(customer):
    intake = intake_current(user=customer.user)
    photo = intake_photo_add(intake=intake, upload=SimpleUploadedFile("car.jpg", _jpeg_with_exif(), "image/jpeg"))
    stored = photo.image.read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert photo.content_type == "image/jpeg" and not photo.image.name.endswith("car.jpg")


def test_large_photos_are_scaled_down(customer):
    intake = intake_current(user=customer.user)
    photo = intake_photo_add(intake=intake, upload=SimpleUploadedFile("big.jpg", _jpeg_with_exif((4000, 3000))))
    assert max(photo.width, photo.height) == 2048


def test_a_script_disguised_as_an_image_is_refused(customer):
    intake = intake_current(user=customer.user)
    with pytest.raises(ValidationError):
        intake_photo_add(intake=intake, upload=SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", "image/jpeg"))
    assert not intake.photos.exists()


def test_photos_over_the_size_limit_are_refused(customer, settings):
    settings.INTAKE_PHOTO_MAX_BYTES = 1000
    intake = intake_current(user=customer.user)
    with pytest.raises(ValidationError):
        intake_photo_add(intake=intake, upload=SimpleUploadedFile("car.jpg", _jpeg_with_exif()))


def test_a_gif_is_not_an_accepted_format(customer):
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError):
        intake_photo_add(intake=intake_current(user=customer.user), upload=SimpleUploadedFile("a.gif", out.getvalue()))


def test_valid_photos_are_kept_even_when_another_field_is_wrong(customer):
    intake = intake_current(user=customer.user)
    with pytest.raises(ValidationError):
        intake_submit(
            intake=intake, data=FIELDS | {"concern": ""}, photos=[SimpleUploadedFile("car.jpg", _jpeg_with_exif())]
        )
    assert intake.photos.count() == 1


def test_an_intake_with_only_the_first_three_characters_of_a_postal_code_is_ready(customer):
    intake = intake_submit(intake=intake_current(user=customer.user), data=FIELDS | {"postal_code": "m5v", "city": ""})
    assert intake.status == Intake.Status.READY
    assert intake.postal_code == "M5V" and intake.latitude is not None
