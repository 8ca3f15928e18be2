"""The mechanic's notes: written from the session page during or after the session, read by
the customer on the completion page; nobody else may write them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.models import SessionNotes
from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db

NOTES = {
    "diagnosis": "Worn <b>front</b> pads",
    "likely_causes": "Pads below 2 mm",
    "next_step": "urgent",
    "parts_to_check": "Front rotors",
}


@pytest.fixture
def mechanic_client(toronto_mechanics) -> Client:
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    return client


def test_the_mechanic_saves_notes_after_the_end_and_the_customer_reads_them(
    mechanic_client, customer_client, customer, consultation
):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = mechanic_client.post(reverse("journey:session_notes", args=[consultation.pk]), NOTES)
    assert response["Location"].endswith("#notes")
    assert SessionNotes.objects.get(consultation=consultation).next_step == "urgent"
    page = customer_client.get(reverse("journey:complete", args=[consultation.pk])).content.decode()
    assert "Worn &lt;b&gt;front&lt;/b&gt; pads" in page and "Urgent: do not drive" in page and "Front rotors" in page


def test_saving_again_rewrites_the_notes_and_the_form_shows_them(mechanic_client, consultation):
    url = reverse("journey:session_notes", args=[consultation.pk])
    mechanic_client.post(url, NOTES)
    mechanic_client.post(url, {**NOTES, "next_step": "drive_on", "diagnosis": "Just dusty pads"})
    notes = SessionNotes.objects.get()
    assert (notes.next_step, notes.diagnosis) == ("drive_on", "Just dusty pads")
    page = mechanic_client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert "Just dusty pads</textarea>" in page


@pytest.mark.parametrize("who", ["customer_client", "outsider_client"])
def test_only_the_sessions_mechanic_may_write_notes(request, who, consultation):
    response = request.getfixturevalue(who).post(reverse("journey:session_notes", args=[consultation.pk]), NOTES)
    assert response.status_code == 404
    assert not SessionNotes.objects.exists()


def test_another_mechanic_may_not_write_them_either(toronto_mechanics, consultation):
    client = Client()
    client.force_login(toronto_mechanics[1].user)
    assert client.post(reverse("journey:session_notes", args=[consultation.pk]), NOTES).status_code == 404


def test_an_unknown_next_step_is_refused_and_nothing_is_saved(mechanic_client, consultation):
    response = mechanic_client.post(
        reverse("journey:session_notes", args=[consultation.pk]), {**NOTES, "next_step": "fly"}, follow=True
    )
    assert "fly" in response.content.decode() or "valid choice" in response.content.decode()
    assert not SessionNotes.objects.exists()


def test_empty_notes_are_refused(mechanic_client, consultation):
    mechanic_client.post(reverse("journey:session_notes", args=[consultation.pk]), {})
    assert not SessionNotes.objects.exists()
