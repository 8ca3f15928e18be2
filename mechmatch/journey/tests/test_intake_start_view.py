from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake

pytestmark = pytest.mark.django_db


def test_starting_opens_a_new_intake_filled_in_with_the_customers_location(customer_client, customer):
    response = customer_client.get(reverse("journey:intake_start"))
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:intake", args=[intake.pk])
    assert (intake.country, intake.postal_code) == ("CA", "M5V 2T6")


def test_starting_again_resumes_the_unfinished_intake(customer_client, customer):
    first = customer_client.get(reverse("journey:intake_start"))["Location"]
    assert customer_client.get(reverse("journey:intake_start"))["Location"] == first
    assert Intake.objects.filter(user=customer.user).count() == 1


def test_once_a_request_is_sent_starting_opens_a_fresh_intake(customer_client, customer, waiting):
    sent = Intake.objects.get(session_request=waiting)
    response = customer_client.get(reverse("journey:intake_start"))
    fresh = Intake.objects.exclude(pk=sent.pk).get(user=customer.user)
    assert response["Location"] == reverse("journey:intake", args=[fresh.pk])
