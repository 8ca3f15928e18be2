"""Mechanics' header: an Offers link with the open count, and home goes to their offers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.tests.factories import request_for
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_a_mechanics_home_is_their_offers(client, mechanic):
    client.force_login(mechanic.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:offers")


def test_a_customers_home_is_still_the_home_page(client, customer):
    client.force_login(customer.user)
    assert client.get(reverse("home")).status_code == 200


def test_the_header_counts_the_mechanics_open_offers(client, customer, mechanic, windows):
    client.force_login(mechanic.user)
    assert "data-offers-count>0<" in client.get(reverse("dispatch:offers")).content.decode()
    request_for(customer.user, routing="selected", selected=mechanic)
    assert "data-offers-count>1<" in client.get(reverse("dispatch:offers")).content.decode()


def test_an_applicant_still_waiting_for_approval_keeps_the_home_page(client):
    applicant = make_mechanic(approved=False)
    client.force_login(applicant.user)
    assert client.get(reverse("home")).status_code == 200
