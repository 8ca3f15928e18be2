from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def test_without_sessions_the_history_invites_a_first_one(customer_client):
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert "You have no past sessions yet." in page and reverse("journey:intake_start") in page


def test_a_live_session_is_listed_with_the_way_back_to_it(customer_client, consultation):
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert "Morgan Lee" in page and "2018 Honda Civic" in page
    assert reverse("journey:session", args=[consultation.pk]) in page and "Return to session" in page


def test_a_finished_session_is_listed_with_its_details_and_a_rebook(customer_client, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert reverse("journey:complete", args=[consultation.pk]) in page and "Rebook with Morgan" in page


def test_nobody_else_sees_a_customers_sessions(outsider_client, consultation):
    page = outsider_client.get(reverse("journey:history")).content.decode()
    assert "Morgan Lee" not in page and "You have no past sessions yet." in page
