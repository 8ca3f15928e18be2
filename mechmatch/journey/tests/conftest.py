from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import offer_accept
from mechmatch.journey.models import Intake
from mechmatch.journey.services import intake_choose_mechanic, intake_confirm, intake_current, intake_submit
from mechmatch.payments.services import payment_start
from mechmatch.testing import make_mechanic


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customer_client(customer) -> Client:
    client = Client()
    client.force_login(customer.user)
    return client


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def toronto_mechanics(db):
    """Three on-shift mechanics in downtown Toronto, the first a Honda specialist."""
    return [
        make_mechanic(
            display_name="Morgan Lee",
            postal_code="M5V 2T6",
            brands=["Honda"],
            services=["brakes"],
            rating=4.9,
            reviews=47,
        ),
        make_mechanic(display_name="Mike Chen", postal_code="M5H 2N2", rating=4.8, reviews=30),
        make_mechanic(display_name="Sarah Lee", postal_code="M4W 1A8", rating=4.7, reviews=25),
    ]


INTAKE_POST = {
    "year": "2018",
    "make": "Honda",
    "model": "Civic",
    "vin": "",
    "concern": "Brakes squeal when I stop at lights",
    "country": "CA",
    "city": "Toronto",
    "postal_code": "M5V 1A1",
    "prefer_local": "on",
    "request_type": "general",
}


def ready_intake(customer, **overrides) -> Intake:  # noqa: ANN001, ANN003
    """The customer's intake, described (INTAKE_POST with `overrides`) and ready for matching."""
    return intake_submit(
        intake=intake_current(user=customer.user), data={**INTAKE_POST, "prefer_local": True, **overrides}
    )


def book(customer, mechanic) -> SessionRequest:  # noqa: ANN001
    """A paid free-plan request from the customer, sent to `mechanic` first."""
    intake = ready_intake(customer)
    intake_choose_mechanic(intake=intake, mechanic_id=mechanic.pk, source="top_match")
    intake.plan_code = "free"
    intake.save()
    payment_start(user=customer.user, reference=intake.reference, plan_code="free", return_path="/", cancel_path="/")
    return intake_confirm(intake=intake, ip_address=None)


def photo_upload(name: str = "car.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 90, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def waiting(customer, toronto_mechanics, settings):
    """A request waiting on the top Toronto mechanic, whose window lapses at the next tick."""
    settings.OFFER_WINDOW_SECONDS = 0
    return book(customer, toronto_mechanics[0])


@pytest.fixture
def consultation(customer, toronto_mechanics):
    """A paid free-plan booking accepted by the top Toronto mechanic: a live session."""
    offer = Offer.objects.get(request=book(customer, toronto_mechanics[0]))
    return offer_accept(mechanic=offer.mechanic, offer_id=offer.pk)
