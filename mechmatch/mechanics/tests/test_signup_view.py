from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.accounts.models import User
from mechmatch.mechanics.models import Mechanic

pytestmark = pytest.mark.django_db

APPLICATION = {
    "display_name": "Sam Tremblay",
    "email": "sam@example.test",
    "password": "a-long-passphrase",
    "country": "CA",
    "region": "QC",
    "city": "Gatineau",
    "postal_code": "J8X 1A1",
    "years_experience": 9,
    "brands": "vw, chevy",
    "bio": "Diesel and European cars.",
}


def test_a_mechanic_applicant_starts_pending_with_no_rating():
    client = Client()
    response = client.post("/accounts/signup/mechanic/", APPLICATION)
    assert response.status_code == 302
    mechanic = Mechanic.objects.get(user__email="sam@example.test")
    assert mechanic.application_status == Mechanic.ApplicationStatus.PENDING
    assert mechanic.brand_specializations == ["Volkswagen", "Chevrolet"]
    assert mechanic.rating_average == 0
    assert mechanic.user.role == User.Role.MECHANIC


def test_an_applicant_is_signed_in_and_sent_to_their_profile():
    client = Client()
    response = client.post("/accounts/signup/mechanic/", APPLICATION)
    assert response["Location"] == "/mechanic/profile/"
    assert client.get("/").context["user"].email == "sam@example.test"


def test_an_email_already_in_use_is_reported_beside_the_email_field(mechanic):
    response = Client().post("/accounts/signup/mechanic/", APPLICATION | {"email": mechanic.user.email})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Mechanic.objects.count() == 1
