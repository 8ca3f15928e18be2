"""Photos in the session's chat: re-encoded (no original bytes, no metadata), shown inline,
served to the two parties and operators only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from mechmatch.journey.models import ChatMessage
from mechmatch.journey.services import session_end
from mechmatch.journey.tests.conftest import photo_upload

pytestmark = pytest.mark.django_db


def _jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("engine.jpg", out.getvalue(), content_type="image/jpeg")


def _send(client: Client, consultation, upload) -> Any:  # noqa: ANN001
    return client.post(reverse("journey:session_photo_send", args=[consultation.pk]), {"photo": upload})


def test_a_photo_is_stored_re_encoded_without_its_metadata(customer_client, consultation):
    original = _jpeg_with_exif()
    raw = original.read()
    original.seek(0)
    response = _send(customer_client, consultation, original)
    assert response["Location"].endswith("#chat")
    message = ChatMessage.objects.get()
    stored = message.photo.read()
    assert stored != raw and b"SecretCam" not in stored
    assert (message.photo_width, message.photo_height) == (64, 48)


def test_the_photo_shows_inline_in_the_chat_of_both_sides(customer_client, consultation, toronto_mechanics):
    _send(customer_client, consultation, photo_upload())
    message = ChatMessage.objects.get()
    src = reverse("journey:session_photo", args=[consultation.pk, message.pk])
    mechanic_client = Client()
    mechanic_client.force_login(toronto_mechanics[0].user)
    for client in (customer_client, mechanic_client):
        page = client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
        assert f'<img src="{src}"' in page
        assert client.get(src)["Content-Type"] == "image/jpeg"


def test_the_photo_is_404_for_outsiders_and_other_mechanics_but_operators_see_it(
    customer_client, outsider_client, consultation, toronto_mechanics, operator
):
    _send(customer_client, consultation, photo_upload())
    src = reverse("journey:session_photo", args=[consultation.pk, ChatMessage.objects.get().pk])
    other_mechanic = Client()
    other_mechanic.force_login(toronto_mechanics[1].user)
    operator_client = Client()
    operator_client.force_login(operator)
    assert outsider_client.get(src).status_code == 404
    assert other_mechanic.get(src).status_code == 404
    assert Client().get(src).status_code == 302  # to sign in
    assert operator_client.get(src).status_code == 200


def test_an_outsider_cannot_post_a_photo_into_the_session(outsider_client, consultation):
    assert _send(outsider_client, consultation, photo_upload()).status_code == 404
    assert not ChatMessage.objects.exists()


def test_something_that_is_not_an_image_is_refused_with_the_reason(customer_client, consultation):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = customer_client.post(
        reverse("journey:session_photo_send", args=[consultation.pk]), {"photo": fake}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 400 and response.content
    assert not ChatMessage.objects.exists()


def test_no_photo_goes_into_an_ended_session(customer_client, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_client.post(
        reverse("journey:session_photo_send", args=[consultation.pk]),
        {"photo": photo_upload()},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert not ChatMessage.objects.exists()
