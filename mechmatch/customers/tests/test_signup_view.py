from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.accounts.models import User
from mechmatch.customers.models import CustomerProfile

pytestmark = pytest.mark.django_db


def test_a_customer_can_sign_up_and_is_signed_in():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Ana",
            "email": "ana@example.test",
            "password": "a-long-passphrase",
            "country": "CA",
            "postal_code": "m5v2t6",
        },
    )
    assert response.status_code == 302
    profile = CustomerProfile.objects.get(user__email="ana@example.test")
    assert profile.postal_code == "M5V 2T6"
    assert profile.location_precision == "postal_code"
    assert client.get("/").context["user"].is_authenticated


def test_a_bad_postal_code_is_reported_beside_the_field_and_input_is_kept():
    response = Client().post(
        "/accounts/signup/",
        {
            "first_name": "Ana",
            "email": "ana@example.test",
            "password": "a-long-passphrase",
            "country": "CA",
            "postal_code": "90210",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "postal_code" in form.errors
    assert form["email"].value() == "ana@example.test"
    assert not User.objects.filter(email="ana@example.test").exists()


def test_sign_up_pages_escape_what_people_type():
    response = Client().post(
        "/accounts/signup/",
        {"first_name": "<script>alert(1)</script>", "email": "not-an-email", "password": "x", "country": "CA"},
    )
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content
