"""POST /api/intakes, POST /api/intakes/{intake_id}/photos and DELETE .../photos/{photo_id}."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mechmatch.journey.models import Intake, IntakePhoto
from mechmatch.journey.services import MAX_PHOTOS_PER_INTAKE
from mechmatch.journey.tests.conftest import book, photo_upload

pytestmark = pytest.mark.django_db


def _intake_id(client: Client) -> int:
    response = client.post("/api/intakes")
    assert response.status_code == 200
    return response.json()["intakeId"]


def test_a_photo_is_stored_re_encoded_and_listed_on_the_intake(customer_api):
    intake_id = _intake_id(customer_api)
    response = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()})
    assert response.status_code == 201
    photo = response.json()
    assert (photo["contentType"], photo["width"], photo["height"]) == ("image/jpeg", 320, 240)
    assert customer_api.post("/api/intakes").json()["photos"] == [photo]


def test_resuming_answers_the_same_draft(customer_api):
    assert _intake_id(customer_api) == _intake_id(customer_api)


def test_a_photo_is_deleted_with_its_file(customer_api):
    intake_id = _intake_id(customer_api)
    photo_id = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).json()["id"]
    response = customer_api.delete(f"/api/intakes/{intake_id}/photos/{photo_id}")
    assert (response.status_code, response.json()) == (200, {"removed": True})
    assert not IntakePhoto.objects.exists()
    assert customer_api.delete(f"/api/intakes/{intake_id}/photos/{photo_id}").status_code == 404


def test_a_file_that_is_not_an_image_is_a_400_naming_photos(customer_api):
    intake_id = _intake_id(customer_api)
    fake = SimpleUploadedFile("car.jpg", b"not an image at all", content_type="image/jpeg")
    response = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": fake})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["photos"]
    assert not IntakePhoto.objects.exists()


def test_no_file_is_a_422_naming_photo(customer_api):
    response = customer_api.post(f"/api/intakes/{_intake_id(customer_api)}/photos", {})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["photo"]


def test_the_photo_limit_is_the_pages_limit(customer_api):
    intake_id = _intake_id(customer_api)
    for _ in range(MAX_PHOTOS_PER_INTAKE):
        assert customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).status_code == 201
    response = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()})
    assert response.status_code == 400
    assert IntakePhoto.objects.count() == MAX_PHOTOS_PER_INTAKE


def test_an_intake_already_sent_takes_no_more_photos(customer_api, customer, toronto_mechanics):
    request = book(customer, toronto_mechanics[0])
    intake_id = Intake.objects.get(session_request=request).pk
    response = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["photos"]


def test_another_customers_intake_is_404_for_upload_and_delete(customer_api, outsider_api):
    intake_id = _intake_id(customer_api)
    photo_id = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).json()["id"]
    assert outsider_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).status_code == 404
    assert outsider_api.delete(f"/api/intakes/{intake_id}/photos/{photo_id}").status_code == 404
    assert IntakePhoto.objects.count() == 1


def test_anonymous_callers_get_401(customer_api):
    intake_id = _intake_id(customer_api)
    assert Client().post("/api/intakes").status_code == 401
    assert Client().post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).status_code == 401
