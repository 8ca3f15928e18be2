"""The French points of issue 14 item 9, one by one: validation errors (VIN, photos, phone,
postal code), decline reasons and history outcomes, fr-CA dates and times, prices and the
language switcher, each as a French reader meets it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from mechmatch.customers.services import vehicle_clean
from mechmatch.dispatch.models import Offer
from mechmatch.funnel.testing import make_consultation, make_offer, make_request_at
from mechmatch.journey.models import Intake
from mechmatch.notifications.texts import when_display
from mechmatch.payments.money import amount_display
from mechmatch.uploads import image_upload_clean

pytestmark = pytest.mark.django_db
NBSP = "\xa0"
MOMENT = datetime(2026, 12, 1, 19, 3, 5, tzinfo=UTC)


def french(user) -> Client:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-CA")
    client.force_login(user)
    return client


def test_a_wrong_vin_is_explained_in_french():
    with translation.override("fr-ca"), pytest.raises(ValidationError) as caught:
        vehicle_clean(year=2018, make="Honda", model="Civic", vin="1HGCM8263")
    assert caught.value.message_dict["vin"] == ["Un NIV compte exactement 17 caractères."]


def test_a_file_that_is_not_an_image_is_refused_in_french():
    upload = SimpleUploadedFile("notes.txt", b"plain text, not pixels", content_type="text/plain")
    with translation.override("fr-ca"), pytest.raises(ValidationError) as caught:
        image_upload_clean(upload, field="photos", max_bytes=1024 * 1024, max_side=1024)
    assert caught.value.message_dict["photos"] == ["Seules les images JPEG, PNG ou WebP peuvent être téléversées."]


def test_a_photo_over_the_limit_is_refused_in_french():
    upload = SimpleUploadedFile("grosse.jpg", b"x" * (2 * 1024 * 1024 + 1), content_type="image/jpeg")
    with translation.override("fr-ca"), pytest.raises(ValidationError) as caught:
        image_upload_clean(upload, field="photos", max_bytes=2 * 1024 * 1024, max_side=1024)
    assert caught.value.message_dict["photos"] == ["grosse.jpg dépasse 2 Mo."]


def test_a_phone_number_too_short_is_refused_on_the_french_page(customer):
    intake = Intake.objects.create(
        user=customer.user, status=Intake.Status.READY, year="2018", make="Honda", model="Civic",
        concern="Les freins grincent", country="CA", postal_code="M5V 2T6",
    )  # fmt: skip
    page = french(customer.user).post(f"/app/intake/{intake.pk}/contact/", {"phone": "12"}).content.decode()
    assert "Entrez un numéro de téléphone où nous pouvons vous joindre." in page


def test_a_postal_code_of_the_wrong_shape_is_refused_in_french():
    from mechmatch.core.postal import PostalCodeError, normalize_postal_code

    with translation.override("fr-ca"), pytest.raises(PostalCodeError) as caught:
        normalize_postal_code("12345", "CA")
    assert str(caught.value) == (
        "'12345' n'est pas un code postal canadien; utilisez la forme A1A 1A1 (on dirait un code ZIP américain)."
    )


def test_the_decline_reasons_and_the_history_outcomes_read_in_french(customer, mechanic):
    with translation.override("fr-ca"):
        assert [str(label) for _, label in Offer.DeclineReason.choices] == [
            "Pas ma marque", "Occupé", "Trop loin", "Autre", "Aucun motif",
        ]  # fmt: skip
    request = make_request_at(customer.user, MOMENT)
    make_consultation(request, mechanic, started_at=MOMENT, ended_at=MOMENT)
    make_offer(request, mechanic, status=Offer.Status.DECLINED, offered_at=MOMENT, decline_reason="too_far")
    page = french(mechanic.user).get("/mechanic/history/").content.decode()
    assert "Refusée (Trop loin)" in page and "Terminée" in page


def test_times_read_as_quebec_writes_them_and_english_stays_english(customer, mechanic):
    with translation.override("fr-ca"):
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == f"2026-12-01 19{NBSP}h{NBSP}03"
        assert date_format(MOMENT, "DATETIME_FORMAT") == f"1 décembre 2026, 19{NBSP}h{NBSP}03"
    with translation.override("en"):
        assert date_format(MOMENT, "DATETIME_FORMAT") == "Dec. 1, 2026, 7:03 p.m."
    reminder = when_display(MOMENT.isoformat(), "America/Toronto", "fr-ca")
    assert reminder == f"mardi 1 décembre 2026, 14{NBSP}h{NBSP}03 EST"
    # The reported "2026-12-01 19 07 03": the mechanic's history, where it came from.
    make_consultation(make_request_at(customer.user, MOMENT), mechanic, started_at=MOMENT, ended_at=MOMENT)
    page = french(mechanic.user).get("/mechanic/history/").content.decode()
    assert f"2026-12-01 19{NBSP}h{NBSP}03" in page


def test_prices_read_29_99_dollars_in_french(customer, mechanic):
    assert amount_display(2999, "CAD", "fr-ca") == f"29,99{NBSP}$"
    assert f"29,99{NBSP}$" in french(customer.user).get("/").content.decode()
    intake = Intake.objects.create(
        user=customer.user, status=Intake.Status.READY, year="2018", make="Honda", model="Civic",
        concern="Les freins grincent", country="CA", postal_code="M5V 2T6",
        routing=Intake.Routing.SELECTED, chosen_mechanic=mechanic,
    )  # fmt: skip
    assert f"29,99{NBSP}$" in french(customer.user).get(f"/app/intake/{intake.pk}/plan/").content.decode()


def test_the_switcher_names_each_language_in_its_own_tongue_on_a_french_page(customer):
    page = french(customer.user).get("/app/").content.decode()
    assert ">English</option>" in page and ">Français</option>" in page
