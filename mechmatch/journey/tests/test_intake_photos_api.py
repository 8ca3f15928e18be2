"""POST /api/intakes, POST /api/intakes/{intake_id}/photos and DELETE .../photos/{photo_id}."""

from __future__ import annotations

import pytest
from django.conf import settings
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


def test_a_photo_on_an_intake_sent_through_the_api_reaches_the_offered_mechanic(customer_api, toronto_mechanics):
    morgan = toronto_mechanics[0]
    intake_id = _intake_id(customer_api)
    photo = customer_api.post(f"/api/intakes/{intake_id}/photos", {"photo": photo_upload()}).json()

    def post(path: str, body: dict) -> dict:
        response = customer_api.post(path, body, content_type="application/json")
        assert response.status_code in (200, 201), response.content
        return response.json()

    payment_id = post("/api/checkouts", {"planCode": "standard", "intakeId": intake_id})["paymentId"]
    post(f"/api/checkouts/{payment_id}/settle", {"outcome": "pay"})
    post("/api/waiver", {"version": customer_api.get("/api/waiver").json()["version"], "intakeId": intake_id})
    request = post(
        "/api/session-requests",
        {
            "concern": "Brakes squeal at lights",
            "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
            "customerPostalCode": "M5V 2T6",
            "routingType": "selected",
            "selectedMechanicId": morgan.pk,
            "planCode": "standard",
            "paymentId": payment_id,
            "intakeId": intake_id,
        },  # fmt: skip
    )
    sent = customer_api.post("/api/intakes").json()
    assert sent["intakeId"] != intake_id  # the sent one is done; a new draft starts
    assert Intake.objects.get(pk=intake_id).session_request_id == request["id"]
    mechanic_page = Client()
    mechanic_page.force_login(morgan.user)
    assert mechanic_page.get(photo["url"]).status_code == 200


def test_an_intake_of_someone_else_is_404_for_checkout_waiver_and_request(customer_api, outsider_api):
    intake_id = _intake_id(customer_api)
    for path, body in [
        ("/api/checkouts", {"planCode": "standard", "intakeId": intake_id}),
        ("/api/waiver", {"version": settings.WAIVER_VERSION, "intakeId": intake_id}),
        (
            "/api/session-requests",
            {
                "concern": "Noise",
                "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
                "planCode": "free",
                "intakeId": intake_id,
            },
        ),  # fmt: skip
    ]:
        assert outsider_api.post(path, body, content_type="application/json").status_code == 404, path
