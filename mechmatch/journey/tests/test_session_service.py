from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch.models import StreamEvent
from mechmatch.funnel.models import FunnelEvent
from mechmatch.journey.models import Intake
from mechmatch.journey.services import (
    chat_send,
    intake_choose_mechanic,
    intake_confirm,
    intake_current,
    intake_submit,
    rebook_start,
    session_end,
    session_rate,
)
from mechmatch.journey.tests.conftest import INTAKE_POST

pytestmark = pytest.mark.django_db


def test_the_waiver_is_recorded_with_its_version_and_the_request_uses_the_customers_choice(consultation, settings):
    intake = Intake.objects.get(session_request=consultation.request)
    waiver = intake.waivers.get()
    assert waiver.version == settings.WAIVER_VERSION and waiver.accepted_at
    assert consultation.request.routing_type == "selected"
    assert consultation.request.selected_mechanic_id == consultation.mechanic_id


def test_confirming_twice_resumes_the_same_request(consultation):
    intake = Intake.objects.get(session_request=consultation.request)
    assert intake_confirm(intake=intake, ip_address=None).pk == consultation.request_id


def test_the_request_is_not_created_before_payment_is_confirmed(customer, toronto_mechanics):
    intake = intake_submit(intake=intake_current(user=customer.user), data={**INTAKE_POST, "prefer_local": True})
    intake_choose_mechanic(intake=intake, mechanic_id=toronto_mechanics[0].pk, source="top_match")
    intake.plan_code = "standard"
    intake.save()
    with pytest.raises(ValidationError):
        intake_confirm(intake=intake, ip_address=None)
    assert intake.session_request_id is None


def test_chat_reaches_both_sides_channels(consultation, customer):
    chat_send(user=customer.user, consultation_id=consultation.pk, body="Hello")
    channels = set(StreamEvent.objects.filter(kind="chat").values_list("channel", flat=True))
    assert channels == {f"request-{consultation.request_id}", f"mechanic-{consultation.mechanic_id}"}


def test_outsiders_cannot_chat_and_nobody_can_after_the_end(consultation, customer, outsider):
    with pytest.raises(ValidationError):
        chat_send(user=outsider, consultation_id=consultation.pk, body="hi")
    session_end(user=customer.user, consultation_id=consultation.pk)
    with pytest.raises(ValidationError):
        chat_send(user=customer.user, consultation_id=consultation.pk, body="hi")


def test_a_rating_counts_once_only_by_the_customer_and_only_after_the_end(consultation, customer, toronto_mechanics):
    mechanic = consultation.mechanic
    with pytest.raises(ValidationError):
        session_rate(user=customer.user, consultation_id=consultation.pk, rating=5)
    session_end(user=customer.user, consultation_id=consultation.pk)
    with pytest.raises(ValidationError):
        session_rate(user=mechanic.user, consultation_id=consultation.pk, rating=5)
    before = (mechanic.rating_average, mechanic.review_count)
    session_rate(user=customer.user, consultation_id=consultation.pk, rating=5, comment="Great")
    mechanic.refresh_from_db()
    assert mechanic.review_count == before[1] + 1 and mechanic.rating_average > before[0]
    with pytest.raises(ValidationError):
        session_rate(user=customer.user, consultation_id=consultation.pk, rating=1)
    assert FunnelEvent.objects.filter(name="rating_given").count() == 1


def test_rebooking_prefills_the_last_session_and_routes_to_that_mechanic_first(consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    intake = rebook_start(user=customer.user, consultation_id=consultation.pk)
    assert (intake.make, intake.model, intake.postal_code) == ("Honda", "Civic", "M5V 1A1")
    assert intake.concern == "Brakes squeal when I stop at lights"
    assert (intake.routing, intake.chosen_mechanic_id) == ("priority_broadcast", consultation.mechanic_id)
    assert FunnelEvent.objects.filter(name="rebook", mechanic_id=consultation.mechanic_id).exists()
    assert rebook_start(user=customer.user, consultation_id=consultation.pk).pk == intake.pk
