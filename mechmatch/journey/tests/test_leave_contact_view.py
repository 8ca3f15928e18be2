from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_contact_details_left_when_nobody_is_available_are_kept(customer_client, customer):
    make_mechanic(display_name="Off Duty", on_shift=False)
    intake = ready_intake(customer)
    response = customer_client.post(
        reverse("journey:leave_contact", args=[intake.pk]), {"phone": "416 555 0199", "note": "Evenings"}
    )
    assert "We'll be in touch" in response.content.decode()
    intake.refresh_from_db()
    assert intake.contact_phone == "416 555 0199"
    assert intake.contact_note == "Evenings"
    customer.user.refresh_from_db()
    assert customer.user.phone == "416 555 0199"  # the account had none, so it keeps this one


def test_a_phone_number_too_short_to_call_is_reported_beside_the_field(customer_client, customer):
    make_mechanic(display_name="Off Duty", on_shift=False)
    intake = ready_intake(customer)
    response = customer_client.post(reverse("journey:leave_contact", args=[intake.pk]), {"phone": "555 01"})
    assert response.status_code == 200
    assert response.context["contact_form"].errors["phone"] == ["Enter a phone number we can reach you on."]
    assert "Nobody is online right now" in response.content.decode()
    intake.refresh_from_db()
    assert intake.contact_phone == ""
