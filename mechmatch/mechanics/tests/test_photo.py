from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from mechmatch import uploads
from mechmatch.dispatch.services import mechanic_shift_set
from mechmatch.mechanics.services import mechanic_photo_set
from mechmatch.testing import make_mechanic

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


@pytest.mark.django_db(transaction=True)
def test_a_photo_upload_still_decoding_does_not_hold_up_another_mechanics_shift_change(mechanic, monkeypatch):
    """On SQLite a transaction open across the decode would hold the one write lock, and the
    shift change would wait for it (then fail with "database is locked")."""
    other = make_mechanic()
    decoding, release = threading.Event(), threading.Event()
    real_reencode = uploads.reencode

    def held_reencode(raw: bytes, *, max_side: int) -> object:
        decoding.set()
        release.wait(timeout=120)  # only a failing test gets this far without being released
        return real_reencode(raw, max_side=max_side)

    monkeypatch.setattr(uploads, "reencode", held_reencode)
    failures: list[BaseException] = []

    def upload() -> None:
        try:
            mechanic_photo_set(mechanic=mechanic, upload=SimpleUploadedFile("me.jpg", _jpeg()))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        assert decoding.wait(timeout=120)
        shift = mechanic_shift_set(mechanic=other, online=False)
        upload_still_in_flight = uploader.is_alive()
    finally:
        release.set()
        uploader.join(timeout=120)

    assert upload_still_in_flight
    assert (shift.online, shift.withdrawn_offers) == (False, 0)
    other.refresh_from_db()
    assert other.is_on_shift is False
    assert failures == []
    mechanic.refresh_from_db()
    assert mechanic.photo.name.startswith("mechanics/")


def test_a_6300_pixel_square_png_is_refused_naming_the_field(mechanic, mechanic_api):
    out = io.BytesIO()
    Image.new("RGB", (6300, 6300), "navy").save(out, "PNG")
    response = mechanic_api.post(
        "/api/mechanic/profile/photo", {"photo": SimpleUploadedFile("big.png", out.getvalue())}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "photo" and "6300×6300" in error["message"]


def test_a_new_photo_keeps_a_shared_demo_avatar_that_another_mechanic_still_shows(mechanic):
    from django.core.files.base import ContentFile

    from mechmatch.mechanics.models import Mechanic

    storage = Mechanic._meta.get_field("photo").storage
    shared = storage.save("mechanics/demo-avatar-1-00.png", ContentFile(b"png"))
    other = make_mechanic(display_name="Riley")
    Mechanic.objects.filter(pk__in=[mechanic.pk, other.pk]).update(photo=shared)
    mechanic.refresh_from_db()
    mechanic_photo_set(mechanic=mechanic, upload=SimpleUploadedFile("me.jpg", _jpeg()))
    assert storage.exists(shared)
    other.refresh_from_db()
    mechanic_photo_set(mechanic=other, upload=SimpleUploadedFile("me.jpg", _jpeg()))
    assert not storage.exists(shared)
