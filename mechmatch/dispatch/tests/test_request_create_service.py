from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mechmatch.dispatch import services
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest, StreamEvent
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.funnel.models import FunnelEvent
from mechmatch.matching.reasons import stored_reasons_localised
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_a_selected_request_offers_only_the_chosen_mechanic_an_exclusive_window(customer, mechanic, windows):
    make_mechanic(brands=["Honda"])
    request = request_for(customer.user, routing="selected", selected=mechanic)

    assert request.status == "pending"
    assert request.stage == "exclusive"
    offers = list(request.offers.all())
    assert [(o.mechanic_id, o.kind, o.status) for o in offers] == [(mechanic.pk, "exclusive", "open")]
    window = (offers[0].expires_at - offers[0].offered_at).total_seconds()
    assert window == 300
    assert request.fallback_due_at == offers[0].expires_at
    assert "The customer chose you" in stored_reasons_localised(offers[0].reason_codes, "en")
    assert FunnelEvent.objects.filter(name="request_created", request_id=request.pk).count() == 1


def test_a_smart_broadcast_offers_the_top_matches_at_once(customer, windows):
    mechanics = [make_mechanic(brands=["Honda"]) for _ in range(12)]
    request = request_for(customer.user, routing="smart_broadcast")

    assert request.status == "broadcasting"
    assert request.stage == "smart"
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    assert len(offered) == 10
    assert offered <= {m.pk for m in mechanics}
    assert request.match_scores["candidates"]


def test_a_double_submit_resumes_the_same_request(customer, mechanic, windows):
    first = request_for(customer.user, routing="selected", selected=mechanic)
    again, created = services.request_create(
        user=customer.user,
        concern="Second try",
        vehicle={"make": "honda", "model": "civic", "year": 2018},
        routing_type="selected",
        selected_mechanic_id=mechanic.pk,
        postal_code="M5V 2T6",
    )
    assert created is False
    assert again.pk == first.pk
    assert SessionRequest.objects.count() == 1
    assert Offer.objects.count() == 1


def test_an_idempotency_key_returns_the_first_request(customer, mechanic, windows):
    first = request_for(customer.user, routing="selected", selected=mechanic, idempotency_key="abc")
    second = request_for(customer.user, routing="selected", selected=mechanic, idempotency_key="abc", model="Accord")
    assert first.pk == second.pk


def test_the_database_refuses_two_active_requests_for_one_vehicle(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    clone = SessionRequest.objects.get(pk=request.pk)
    clone.pk = None
    clone.idempotency_key = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_another_vehicle_gets_its_own_request(customer, mechanic, windows):
    first = request_for(customer.user, routing="selected", selected=mechanic)
    second = request_for(customer.user, routing="selected", selected=mechanic, model="Accord")
    assert first.pk != second.pk


def test_a_chosen_mechanic_who_went_off_shift_puts_the_choice_to_the_customer_at_once(customer, windows):
    offline = make_mechanic(on_shift=False)
    request = request_for(customer.user, routing="selected", selected=offline)
    assert request.status == "awaiting_choice"
    assert request.offers.count() == 0
    assert request.fallback_due_at is not None


def test_unapproved_mechanics_cannot_be_selected(customer, windows):
    pending = make_mechanic(approved=False)
    with pytest.raises(ValidationError) as exc:
        request_for(customer.user, routing="selected", selected=pending)
    assert "selected_mechanic_id" in exc.value.message_dict


def test_validation_errors_name_the_field_in_the_domains_words(customer, windows):
    with pytest.raises(ValidationError) as exc:
        request_for(customer.user, make="Notacar")
    assert "make" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        request_for(customer.user, postal_code="ZZZ")
    assert "postal_code" in exc.value.message_dict


def test_priority_broadcast_gives_the_favourite_the_exclusive_window(customer, mechanic, windows):
    request = request_for(customer.user, routing="priority_broadcast", selected=mechanic)
    assert request.status == "pending"
    assert request.offers.get().kind == "exclusive"
    assert "You are the customer's favourite" in stored_reasons_localised(request.offers.get().reason_codes, "en")


def test_creation_writes_history_and_a_stream_event(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    kinds = list(RequestEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds[0] == "created"
    assert "exclusive_offer" in kinds
    assert StreamEvent.objects.filter(channel=f"request-{request.pk}").exists()
    assert StreamEvent.objects.filter(channel=f"mechanic-{mechanic.pk}", kind="offer_new").count() == 1
