from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_waiting_room_shows_the_chosen_mechanic_queue_and_wait(customer_client, waiting):
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Morgan Lee will join shortly" in page and "usually joins within 2 minutes" in page
    assert "Queue position" in page and "Waiting time" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_once_the_mechanic_has_joined_the_waiting_room_leads_to_the_session(customer_client, consultation):
    response = customer_client.get(reverse("journey:request", args=[consultation.request_id]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, waiting):
    response = client.get(reverse("journey:request", args=[waiting.pk]))
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]


def _headline(page: str) -> str:
    return page.split('<h1 id="waiting-headline">', 1)[1].split("</h1>", 1)[0].strip()


def test_the_headline_says_the_mechanic_declined_and_the_message_box_no_longer_names_them(customer_client, waiting):
    from datetime import timedelta

    from django.utils import timezone

    from mechmatch.dispatch import services

    offer = waiting.offers.get()
    waiting.offers.update(expires_at=timezone.now() + timedelta(minutes=5))  # the fixture's window is 0
    services.offer_decline(mechanic=offer.mechanic, offer_id=offer.pk, reason="busy")
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert _headline(page) == "Morgan Lee declined — here are your choices"
    assert "Message Morgan" not in page
    assert "Leave a note for the mechanic who accepts" in page


def test_the_headline_says_the_window_lapsed(customer_client, waiting):
    from mechmatch.dispatch import services
    from mechmatch.dispatch.tests.factories import lapse

    services.dispatch_tick(now=lapse(waiting))
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert _headline(page) == "Morgan Lee didn't answer in time — here are your choices"


def test_the_headline_says_it_went_to_the_best_matched_mechanics(customer_client, waiting, customer):
    from mechmatch.dispatch import services
    from mechmatch.dispatch.tests.factories import lapse
    from mechmatch.testing import make_mechanic

    services.dispatch_tick(now=lapse(waiting))
    make_mechanic(brands=["Honda"])
    services.request_choose(user=customer.user, request_id=waiting.pk, choice="auto_match")
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert _headline(page) == "Sent to the best-matched mechanics"


def _paid_and_waited(customer, waiting, settings, seconds: int):  # noqa: ANN001, ANN202
    from datetime import timedelta

    from django.utils import timezone

    from mechmatch.dispatch.models import SessionRequest
    from mechmatch.payments.models import Payment

    settings.REFUND_OFFER_AFTER_SECONDS = 600
    SessionRequest.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    return Payment.objects.create(
        user=customer.user,
        reference="intake:1",
        plan_code="standard",
        amount_cents=2999,
        provider="test",
        status="paid",
        session_request=waiting,
    )


def test_a_paid_request_waiting_past_the_configured_time_offers_the_refund(
    customer_client, customer, waiting, settings
):
    _paid_and_waited(customer, waiting, settings, 601)
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Nobody has accepted yet. You can keep waiting, or cancel and get your $29.99 back." in page
    assert "Cancel and refund $29.99" in page
    assert f'action="{reverse("journey:request_cancel", args=[waiting.pk])}"' in page


def test_the_refund_offer_button_cancels_and_refunds(customer_client, customer, waiting, settings):
    payment = _paid_and_waited(customer, waiting, settings, 601)
    customer_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    payment.refresh_from_db()
    assert payment.status == "refunded"


def test_the_refund_offer_is_in_french_with_a_french_amount(customer_client, customer, waiting, settings):
    _paid_and_waited(customer, waiting, settings, 601)
    customer_client.cookies["django_language"] = "fr-ca"
    page = customer_client.get(reverse("journey:request", args=[waiting.pk]), HTTP_ACCEPT_LANGUAGE="fr-CA").content
    assert "Annuler et rembourser 29,99\u00a0$" in page.decode()


def test_no_refund_is_offered_before_the_configured_time(customer_client, customer, waiting, settings):
    _paid_and_waited(customer, waiting, settings, 60)
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Cancel and refund" not in page
