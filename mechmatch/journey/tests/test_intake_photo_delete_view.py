from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import intake_current, intake_photo_add
from mechmatch.journey.tests.conftest import INTAKE_POST, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_with_photo(customer):
    intake = intake_current(user=customer.user)
    return intake, intake_photo_add(intake=intake, upload=photo_upload())


def test_removing_a_photo_deletes_its_file_and_keeps_what_was_typed(customer_client, intake_with_photo):
    intake, photo = intake_with_photo
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    response = customer_client.post(
        reverse("journey:photo_delete", args=[intake.pk, photo.pk]), INTAKE_POST | {"concern": "Half-typed"}
    )
    assert response["Location"] == reverse("journey:intake", args=[intake.pk])
    intake.refresh_from_db()
    assert not intake.photos.exists() and not storage.exists(name)
    assert intake.concern == "Half-typed"


def test_nobody_else_can_remove_a_customers_photo(outsider_client, intake_with_photo):
    intake, photo = intake_with_photo
    response = outsider_client.post(reverse("journey:photo_delete", args=[intake.pk, photo.pk]))
    assert response.status_code == 404
    assert intake.photos.filter(pk=photo.pk).exists()


def test_a_photo_is_removed_only_by_a_post(customer_client, intake_with_photo):
    intake, photo = intake_with_photo
    assert customer_client.get(reverse("journey:photo_delete", args=[intake.pk, photo.pk])).status_code == 405
    assert intake.photos.filter(pk=photo.pk).exists()
