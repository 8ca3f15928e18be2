from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.payments.models import Payment
from mechmatch.payments.providers import TestProvider
from mechmatch.payments.services import payment_start

pytestmark = pytest.mark.django_db


def _payment(user) -> Payment:  # noqa: ANN001
    payment, _ = payment_start(
        user=user,
        reference="intake:9",
        plan_code="quick",
        return_path="/app/",
        cancel_path="/app/",
        provider=TestProvider(),
    )
    return payment


def test_the_test_checkout_page_says_test_mode_and_pays_on_click(customer):
    client = Client()
    client.force_login(customer.user)
    payment = _payment(customer.user)
    url = reverse("payments:test_checkout", args=[payment.pk])
    assert b"TEST MODE" in client.get(url).content
    assert client.post(url, {"outcome": "pay"})["Location"] == "/app/"
    payment.refresh_from_db()
    assert payment.is_paid


def test_someone_elses_test_checkout_is_not_found(customer, outsider):
    client = Client()
    client.force_login(outsider)
    payment = _payment(customer.user)
    assert client.get(reverse("payments:test_checkout", args=[payment.pk])).status_code == 404
    assert client.post(reverse("payments:test_checkout", args=[payment.pk]), {"outcome": "pay"}).status_code == 404


def test_the_test_checkout_requires_the_csrf_token(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    payment = _payment(customer.user)
    assert client.post(reverse("payments:test_checkout", args=[payment.pk]), {"outcome": "pay"}).status_code == 403


def test_the_webhook_rejects_a_bad_signature_with_400(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    response = Client().post(
        reverse("payments:stripe_webhook"), b"{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=00"
    )
    assert response.status_code == 400


def test_the_webhook_is_refused_when_only_the_test_provider_is_configured():
    response = Client().post(reverse("payments:stripe_webhook"), b"{}", content_type="application/json")
    assert response.status_code == 400
