from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.mechanics.models import Mechanic

pytestmark = pytest.mark.django_db


def test_adding_the_mechanic_from_the_session_page_stays_on_it(customer_client, customer, consultation):
    response = customer_client.post(reverse("journey:session_favourite", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])
    assert customer.favourites.filter(mechanic=consultation.mechanic).exists()
    page = customer_client.get(response["Location"]).content.decode()
    assert "Morgan Lee is now in your favourites." in page and "In your favourites" in page


def test_the_mechanic_cannot_favourite_themself(consultation, toronto_mechanics, customer):
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    assert client.post(reverse("journey:session_favourite", args=[consultation.pk])).status_code == 404
    assert not customer.favourites.exists()


def test_adding_a_favourite_needs_the_csrf_token(consultation, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    assert client.post(reverse("journey:session_favourite", args=[consultation.pk]), {"body": "x"}).status_code == 403
    assert not customer.favourites.exists()


def test_a_mechanic_suspended_since_the_session_is_refused_with_a_message_not_a_500(
    customer_client, customer, consultation
):
    Mechanic.objects.filter(pk=consultation.mechanic_id).update(account_status=Mechanic.AccountStatus.SUSPENDED)
    response = customer_client.post(reverse("journey:session_favourite", args=[consultation.pk]), follow=True)
    assert response.status_code == 200
    assert "That mechanic is not available." in response.content.decode()
    assert not customer.favourites.exists()
