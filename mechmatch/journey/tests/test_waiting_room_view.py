from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import dispatch_tick
from mechmatch.journey.services import intake_choose_mechanic, intake_confirm, intake_current, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST
from mechmatch.payments.services import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(customer, toronto_mechanics, settings):
    settings.OFFER_WINDOW_SECONDS = 0
    intake = intake_submit(intake=intake_current(user=customer.user), data={**INTAKE_POST, "prefer_local": True})
    intake_choose_mechanic(intake=intake, mechanic_id=toronto_mechanics[0].pk, source="top_match")
    intake.plan_code = "free"
    intake.save()
    payment_start(user=customer.user, reference=intake.reference, plan_code="free", return_path="/", cancel_path="/")
    return intake_confirm(intake=intake, ip_address=None)


def test_the_waiting_room_shows_the_chosen_mechanic_queue_and_wait(customer_client, waiting):
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Morgan Lee will join shortly" in page and "usually joins within 2 minutes" in page
    assert "Queue position" in page and "Waiting time" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_a_lapsed_offer_offers_the_three_fallbacks_and_auto_match_broadcasts(customer_client, waiting):
    dispatch_tick()
    page = customer_client.get(reverse("journey:request_live", args=[waiting.pk])).content.decode()
    assert "Morgan Lee isn&#x27;t available" in page or "Morgan Lee isn't available" in page
    assert "Wait for Morgan Lee (5 more min)" in page and "Pick another mechanic" in page
    assert "Match me automatically" in page
    customer_client.post(reverse("journey:request_choice", args=[waiting.pk]), {"choice": "auto_match"})
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.BROADCASTING
    assert Offer.objects.filter(request=waiting, kind="broadcast").exists()


def test_a_message_left_while_waiting_opens_the_chat(customer_client, waiting):
    customer_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": "Ready when you are"})
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Ready when you are" in page


def test_messages_left_while_waiting_are_chat_lines_not_site_notices(customer_client, waiting):
    customer_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": "Ready when you are"})
    customer_client.get(reverse("journey:request", args=[waiting.pk]))  # consumes the "Message sent" notice
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert page.count("Ready when you are") == 1
    assert "Waiting message" not in page
