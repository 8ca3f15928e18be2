from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import intake_current, intake_photo_add
from mechmatch.journey.tests.conftest import book, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(customer):
    return intake_photo_add(intake=intake_current(user=customer.user), upload=photo_upload())


def _client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def test_the_customer_gets_their_photo_privately_and_never_as_a_page(customer_client, photo):
    response = customer_client.get(reverse("journey:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


def test_another_customer_gets_404(outsider_client, photo):
    assert outsider_client.get(reverse("journey:photo", args=[photo.pk])).status_code == 404


def test_the_mechanic_offered_the_request_may_see_its_photos_and_no_other_mechanic(customer, photo, toronto_mechanics):
    book(customer, toronto_mechanics[0])
    url = reverse("journey:photo", args=[photo.pk])
    assert _client_for(toronto_mechanics[0].user).get(url).status_code == 200
    assert _client_for(toronto_mechanics[1].user).get(url).status_code == 404
