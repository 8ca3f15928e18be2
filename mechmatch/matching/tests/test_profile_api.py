from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.mechanics.models import Mechanic, Review
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def profile(mechanic_id: int):
    return Client().get(f"/api/mechanics/{mechanic_id}/profile")


def test_the_public_profile_shows_specialities_certification_and_recent_reviews():
    mechanic = make_mechanic(
        display_name="Robin Wrench", brands=["BMW"], services=["brakes", "bmw_coding"], red_seal=True,
        email="robin.private@example.test",
    )  # fmt: skip
    reviewer = make_customer(first_name="Alexandra")
    reviewer.user.last_name = "Smith"
    reviewer.user.save()
    Review.objects.create(mechanic=mechanic, customer=reviewer.user, rating=5, comment="Sorted my brakes fast.")
    response = profile(mechanic.pk)
    assert response.status_code == 200
    data = response.json()
    assert data["mechanicName"] == "Robin Wrench"
    assert [s["slug"] for s in data["specialities"]] == ["brakes", "bmw_coding"]
    assert data["specialities"][0]["label"] == "Brakes"
    assert data["brandSpecializations"] == ["BMW"]
    assert data["certification"] == {"redSeal": True, "redSealVerified": True, "redSealProvince": None}
    assert data["city"] and data["region"] == "ON" and data["country"] == "CA"
    review = data["recentReviews"][0]
    assert review["rating"] == 5 and review["reviewerName"] == "Alexandra S."
    assert review["comment"] == "Sorted my brakes fast."


def test_the_public_profile_never_shows_postal_code_email_or_private_fields():
    mechanic = make_mechanic(postal_code="M5V 3L9", email="robin.private@example.test")
    body = profile(mechanic.pk).content.decode()
    for secret in ("M5V", "robin.private", "postalCode", "latitude", "offersReceived", "applicationStatus"):
        assert secret not in body
    assert "Smith" not in body


def test_reviews_show_only_the_reviewers_first_name_and_initial():
    mechanic = make_mechanic()
    reviewer = make_customer(first_name="Jordan")
    reviewer.user.last_name = "Private-Surname"
    reviewer.user.save()
    Review.objects.create(mechanic=mechanic, customer=reviewer.user, rating=4)
    body = profile(mechanic.pk).content.decode()
    assert "Jordan P." in body and "Private-Surname" not in body and reviewer.user.email not in body


def test_unknown_unapproved_and_suspended_mechanics_are_404():
    pending = make_mechanic(approved=False)
    suspended = make_mechanic()
    Mechanic.objects.filter(pk=suspended.pk).update(account_status=Mechanic.AccountStatus.SUSPENDED)
    for mechanic_id in (pending.pk, suspended.pk, 999_999):
        response = profile(mechanic_id)
        assert response.status_code == 404
        assert response.json()["success"] is False


def test_a_non_numeric_id_is_a_4xx_not_a_500():
    response = Client().get("/api/mechanics/abc/profile")
    assert 400 <= response.status_code < 500


def test_the_profile_carries_the_waiting_rooms_mechanic_object():
    specialist = make_mechanic(display_name="Robin Wrench", brands=["BMW"], years_experience=12)
    general = make_mechanic(display_name="Sam Spanner")
    data = profile(specialist.pk).json()
    assert data["mechanic"] == {
        "id": specialist.pk,
        "name": "Robin Wrench",
        "profilePhotoUrl": None,
        "rating": data["rating"],
        "completedSessions": data["completedSessions"],
        "yearsExperience": 12,
        "isBrandSpecialist": True,
        "brandSpecializations": ["BMW"],
    }
    assert data["mechanicName"] == "Robin Wrench"  # the existing fields stay
    assert profile(general.pk).json()["mechanic"]["isBrandSpecialist"] is False
