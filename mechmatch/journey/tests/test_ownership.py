"""Each page is visible only to its owner; everyone else gets 404 (ids reveal nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import Offer
from mechmatch.dispatch.services import offer_accept
from mechmatch.journey.services import intake_choose_mechanic, intake_confirm, intake_current, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST
from mechmatch.payments.services import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(customer, toronto_mechanics):
    intake = intake_submit(intake=intake_current(user=customer.user), data={**INTAKE_POST, "prefer_local": True})
    intake_choose_mechanic(intake=intake, mechanic_id=toronto_mechanics[0].pk, source="top_match")
    intake.plan_code = "free"
    intake.save()
    payment_start(user=customer.user, reference=intake.reference, plan_code="free", return_path="/", cancel_path="/")
    request = intake_confirm(intake=intake, ip_address="127.0.0.1")
    offer = Offer.objects.get(request=request)
    consultation = offer_accept(mechanic=offer.mechanic, offer_id=offer.pk)
    return intake, request, consultation


def test_another_customer_gets_404_on_every_page_of_someone_elses_booking(outsider_client, booked):
    intake, request, consultation = booked
    urls = (
        [
            reverse(name, args=[intake.pk])
            for name in ("journey:intake", "journey:preview", "journey:plan", "journey:waiver")
        ]
        + [reverse(name, args=[request.pk]) for name in ("journey:request", "journey:request_live")]
        + [
            reverse(name, args=[consultation.pk])
            for name in ("journey:session", "journey:session_messages", "journey:complete", "journey:report")
        ]
    )
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    for name in ("journey:session_messages", "journey:session_end", "journey:rebook"):
        assert outsider_client.post(reverse(name, args=[consultation.pk]), {"body": "hi"}).status_code == 404, name


def test_the_assigned_mechanic_may_open_the_shared_session_page(booked, toronto_mechanics):
    from django.test import Client

    _, _, consultation = booked
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    page = client.get(reverse("journey:session", args=[consultation.pk]))
    assert page.status_code == 200 and b"End session" in page.content
    other = Client()
    other.force_login(toronto_mechanics[1].user)
    assert other.get(reverse("journey:session", args=[consultation.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, booked):
    _, request, _ = booked
    response = client.get(reverse("journey:request", args=[request.pk]))
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]
