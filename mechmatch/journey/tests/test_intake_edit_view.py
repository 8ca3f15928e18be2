from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake
from mechmatch.journey.tests.conftest import INTAKE_POST, photo_upload

pytestmark = pytest.mark.django_db


def _intake_url(client) -> str:  # noqa: ANN001
    return client.get(reverse("journey:intake_start"))["Location"]


def test_the_intake_page_has_the_plans_location_hint_and_placeholder(customer_client):
    page = customer_client.get(_intake_url(customer_client)).content.decode()
    assert "Optional - Helps us find the closest available mechanics" in page
    assert 'placeholder="M5V 1A1"' in page and 'data-placeholder-us="90210"' in page
    assert "Prefer mechanics near me" in page


def test_the_intake_hint_is_translated(customer_client):
    customer_client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})
    url = customer_client.get(reverse("journey:intake_start"))["Location"]
    page = customer_client.get(url).content.decode()
    assert "Facultatif - Nous aide à trouver les mécaniciens disponibles les plus proches" in page


def test_an_error_appears_beside_its_field_and_the_typed_values_stay(customer_client):
    url = _intake_url(customer_client)
    response = customer_client.post(url, INTAKE_POST | {"postal_code": "90210", "concern": "My <script>x</script>"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_postal_code-error" role="alert">' in page and "not a Canadian postal code" in page
    assert 'value="90210"' in page and "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert 'aria-invalid="true"' in page


def test_leaving_and_coming_back_finds_the_draft(customer_client):
    url = _intake_url(customer_client)
    customer_client.post(url, INTAKE_POST | {"year": "", "concern": "Half-typed concern"})
    page = customer_client.get(_intake_url(customer_client)).content.decode()
    assert "Half-typed concern" in page


def test_a_valid_intake_goes_to_the_preview(customer_client, customer):
    response = customer_client.post(_intake_url(customer_client), INTAKE_POST)
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:preview", args=[intake.pk])


def test_photos_sent_with_the_intake_are_kept_and_shown(customer_client, customer):
    url = _intake_url(customer_client)
    customer_client.post(url, INTAKE_POST | {"photos": photo_upload()})
    intake = Intake.objects.get(user=customer.user)
    photo = intake.photos.get()
    assert photo.content_type == "image/jpeg"
    assert reverse("journey:photo", args=[photo.pk]) in customer_client.get(url).content.decode()


def test_saved_vehicles_can_be_picked_instead_of_typing(customer_client, customer):
    from mechmatch.customers.services import vehicle_add

    vehicle = vehicle_add(customer=customer, year=2015, make="Toyota", model="Corolla")
    url = _intake_url(customer_client)
    assert "2015 Toyota Corolla" in customer_client.get(url).content.decode()
    data = INTAKE_POST | {"saved_vehicle": str(vehicle.pk), "year": "", "make": "", "model": ""}
    customer_client.post(url, data)
    intake = Intake.objects.get(user=customer.user)
    assert (intake.status, intake.make, intake.vehicle_id) == ("ready", "Toyota", vehicle.pk)


def test_an_intake_already_sent_leads_to_its_waiting_room(customer_client, waiting):
    intake = Intake.objects.get(session_request=waiting)
    response = customer_client.get(reverse("journey:intake", args=[intake.pk]))
    assert response["Location"] == reverse("journey:request", args=[waiting.pk])
