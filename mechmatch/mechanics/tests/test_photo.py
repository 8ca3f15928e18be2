from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "navy").save(out, "JPEG")
    return out.getvalue() + b"<script>alert(1)</script>"


def test_a_mechanic_uploads_a_photo_that_is_stored_re_encoded_and_served_publicly(mechanic, mechanic_api):
    response = mechanic_api.post("/api/mechanic/profile/photo", {"photo": SimpleUploadedFile("me.jpg", _jpeg())})
    assert response.status_code == 200, response.content
    url = response.json()["profilePhotoUrl"]
    assert url.startswith("/media/mechanics/")
    served = Client().get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    body = served.getvalue()
    assert b"<script>" not in body
    assert Image.open(io.BytesIO(body)).size == (800, 600)


def test_a_file_that_is_not_an_image_is_refused_naming_the_field(mechanic, mechanic_api):
    response = mechanic_api.post(
        "/api/mechanic/profile/photo", {"photo": SimpleUploadedFile("me.jpg", b"<svg onload=alert(1)>")}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "photo"


def test_the_profile_form_takes_a_photo(mechanic):
    client = Client()
    client.force_login(mechanic.user)
    data = {
        "display_name": mechanic.display_name,
        "country": "CA",
        "region": "ON",
        "city": "Toronto",
        "postal_code": "M5V 2T6",
        "years_experience": 8,
        "photo": SimpleUploadedFile("me.jpg", _jpeg()),
    }
    assert client.post("/mechanic/profile/", data).status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.photo.name.startswith("mechanics/")


def test_other_media_files_are_not_served_from_the_photo_route(mechanic):
    assert Client().get("/media/mechanics/..%2Fintake%2Fsecret.jpg").status_code == 404
    assert Client().get("/media/mechanics/not-a-photo.jpg").status_code == 404
