from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import chat_send, session_end

pytestmark = pytest.mark.django_db


def test_the_report_downloads_as_a_text_attachment(customer_client, consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_client.get(reverse("journey:report", args=[consultation.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert "2018 Honda Civic" in text and "Brakes squeal" in text and "Morgan Lee" in text and "Duration:" in text


def test_the_report_names_who_said_what_and_the_mechanic_may_download_it_too(consultation, customer, toronto_mechanics):
    chat_send(user=customer.user, consultation_id=consultation.pk, body="It squeals at low speed")
    chat_send(user=toronto_mechanics[0].user, consultation_id=consultation.pk, body="Check the pad wear")
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    response = client.get(reverse("journey:report", args=[consultation.pk]))
    assert f'filename="mechmatch-session-{consultation.pk}.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "You: It squeals at low speed" in text and "Mechanic: Check the pad wear" in text


def test_the_report_holds_the_notes_waiting_messages_photos_plan_and_durations(
    customer_client, customer, toronto_mechanics, settings, tmp_path
):
    from mechmatch.dispatch.models import Offer
    from mechmatch.dispatch.services import offer_accept
    from mechmatch.journey.models import ChatMessage
    from mechmatch.journey.services import chat_photo_send, session_notes_save, waiting_message_send
    from mechmatch.journey.tests.conftest import book, photo_upload

    request = book(customer, toronto_mechanics[0])
    waiting_message_send(user=customer.user, request_id=request.pk, body="The noise started on Monday")
    offer = Offer.objects.get(request=request)
    consultation = offer_accept(mechanic=offer.mechanic, offer_id=offer.pk)
    chat_photo_send(user=customer.user, consultation_id=consultation.pk, upload=photo_upload())
    session_notes_save(
        user=toronto_mechanics[0].user,
        consultation_id=consultation.pk,
        diagnosis="Worn front pads",
        likely_causes="Pads below 2 mm",
        next_step="book_repair",
        parts_to_check="Front rotors",
    )
    session_end(user=customer.user, consultation_id=consultation.pk)
    text = customer_client.get(reverse("journey:report", args=[consultation.pk])).content.decode()
    photo = ChatMessage.objects.get()
    assert "Diagnosis: Worn front pads" in text and "Likely causes: Pads below 2 mm" in text
    assert "Recommended next step: Book a repair" in text and "Parts to check: Front rotors" in text
    assert "You: The noise started on Monday" in text
    assert f"[photo] http://testserver/app/sessions/{consultation.pk}/photos/{photo.pk}/" in text
    assert "Plan: Free" in text and "Duration: 1 min" in text and "Wait before the mechanic joined:" in text


def test_the_report_downloaded_from_a_french_page_is_in_french(consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-CA")
    client.force_login(customer.user)
    text = client.get(reverse("journey:report", args=[consultation.pk])).content.decode()
    assert text.startswith("Rapport de séance mechmatch\n")
    assert "Durée : 1 min (terminée à " in text and "Mécanicien : Morgan Lee" in text
    assert "\xa0h\xa0" in text.split("Date : ")[1].splitlines()[0]  # "2 décembre 2026, 20 h 07 UTC"
