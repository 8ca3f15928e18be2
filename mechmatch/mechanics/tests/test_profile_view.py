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
        "service_specialities": ["brakes", "hvac"],
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
    response = _signed_in(mechanic).post("/mechanic/profile/", _form(mechanic, service_specialities=["teleportation"]))
    assert response.status_code == 200
    assert "service_specialities" in response.context["form"].errors


def test_a_customer_cannot_open_the_mechanic_profile_page(customer):
    client = Client()
    client.force_login(customer.user)
    assert client.get("/mechanic/profile/").status_code == 404


def test_services_are_checkboxes_of_the_taxonomys_labels_grouped_by_category(mechanic):
    page = _signed_in(mechanic).get("/mechanic/profile/").content.decode()
    assert "comma-separated slugs" not in page
    assert "<legend>Services you offer" in page
    for category in ("Diagnostics", "Repairs", "Maintenance", "Installation"):
        assert f"<legend>{category}</legend>" in page
    repairs = page.split("<legend>Repairs</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert 'type="checkbox" name="service_specialities" value="brakes"' in repairs and "Brakes" in repairs
    assert 'value="dashcam"' not in repairs


def test_the_mechanics_services_are_checked(mechanic):
    Mechanic.objects.filter(pk=mechanic.pk).update(service_specialities=["hvac"])
    page = _signed_in(mechanic).get("/mechanic/profile/").content.decode()
    hvac = page.split('value="hvac"', 1)[1].split(">", 1)[0]
    brakes = page.split('value="brakes"', 1)[1].split(">", 1)[0]
    assert "checked" in hvac and "checked" not in brakes


def test_the_service_labels_are_in_french_for_a_french_page(mechanic):
    page = _signed_in(mechanic).get("/mechanic/profile/", HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert "Freins" in page and "Chauffage et climatisation" in page and "<legend>Réparations</legend>" in page


def test_unticking_every_service_clears_them(mechanic):
    data = _form(mechanic)
    del data["service_specialities"]
    _signed_in(mechanic).post("/mechanic/profile/", data)
    mechanic.refresh_from_db()
    assert mechanic.service_specialities == []
