from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.mechanics.models import Mechanic

pytestmark = pytest.mark.django_db


def _signed_in(mechanic: Mechanic) -> Client:
    client = Client()
    client.force_login(mechanic.user)
    return client


def _form(mechanic: Mechanic, **overrides: object) -> dict[str, object]:
    data = {
        "display_name": mechanic.display_name,
        "bio": "Updated bio",
        "country": "CA",
        "region": "ON",
        "city": "Toronto",
        "postal_code": "M5V 2T6",
        "years_experience": 11,
        "brand_specializations": "Honda",
        "service_specialities": "brakes, hvac",
    }
    data.update(overrides)
    return data


def test_the_profile_form_saves_the_mechanics_own_fields(mechanic):
    response = _signed_in(mechanic).post("/mechanic/profile/", _form(mechanic))
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.years_experience == 11
    assert mechanic.service_specialities == ["brakes", "hvac"]


def test_posting_server_owned_fields_to_the_form_changes_nothing(mechanic):
    Mechanic.objects.filter(pk=mechanic.pk).update(application_status="pending", rating_average=2.0)
    _signed_in(mechanic).post(
        "/mechanic/profile/",
        _form(mechanic, rating_average="5", application_status="approved", review_count="999", red_seal_verified="on"),
    )
    mechanic.refresh_from_db()
    assert mechanic.application_status == "pending"
    assert mechanic.rating_average == 2.0
    assert mechanic.review_count == 40
    assert mechanic.red_seal_verified is False


def test_an_unknown_service_is_reported_beside_its_field(mechanic):
    response = _signed_in(mechanic).post("/mechanic/profile/", _form(mechanic, service_specialities="teleportation"))
    assert response.status_code == 200
    assert "service_specialities" in response.context["form"].errors


def test_a_customer_cannot_open_the_mechanic_profile_page(customer):
    client = Client()
    client.force_login(customer.user)
    assert client.get("/mechanic/profile/").status_code == 404
