from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_the_session_page_offers_the_extension_and_the_button_goes_to_the_checkout(
    customer_client, consultation, settings
):
    settings.PAYMENT_PROVIDER = "test"
    page = customer_client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert "Add 30 minutes ($9.99)" in page
    response = customer_client.post(reverse("journey:session_extend", args=[consultation.pk]))
    payment = Payment.objects.get(reference=f"extension:{consultation.pk}")
    assert response.status_code == 302 and str(payment.pk) in response["Location"]


def test_the_mechanic_sees_no_extension_button_and_cannot_post_it(consultation, toronto_mechanics, client):
    client.force_login(toronto_mechanics[0].user)
    assert "Add 30 minutes" not in client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert client.post(reverse("journey:session_extend", args=[consultation.pk])).status_code == 404


def test_after_the_end_the_mechanics_page_shows_the_duration(consultation, toronto_mechanics, customer, client):
    from mechmatch.journey.services import session_end

    session_end(user=customer.user, consultation_id=consultation.pk)
    client.force_login(toronto_mechanics[0].user)
    page = client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert 'data-testid="session-duration">1 minute<' in page
    assert 'class="timer"' not in page
