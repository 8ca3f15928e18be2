from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mechmatch.funnel.models import FunnelEvent
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_continuing_with_the_top_match_routes_to_that_mechanic_alone(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    customer_client.post(
        reverse("journey:choose", args=[intake.pk]), {"mechanic_id": toronto_mechanics[0].pk, "source": "top_match"}
    )
    intake.refresh_from_db()
    assert (intake.routing, intake.chosen_mechanic_id) == ("selected", toronto_mechanics[0].pk)
    assert FunnelEvent.objects.filter(name="top_match_accepted", mechanic_id=toronto_mechanics[0].pk).exists()


def test_choosing_another_match_leads_to_the_plans(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    response = customer_client.post(
        reverse("journey:choose", args=[intake.pk]), {"mechanic_id": toronto_mechanics[2].pk, "source": "other_match"}
    )
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])
    assert FunnelEvent.objects.filter(name="mechanic_chosen", mechanic_id=toronto_mechanics[2].pk).exists()


def test_a_mechanic_who_cannot_take_sessions_is_refused_with_a_notice_on_the_preview(customer_client, customer):
    pending = make_mechanic(display_name="Pat Pending", approved=False)
    intake = ready_intake(customer)
    response = customer_client.post(
        reverse("journey:choose", args=[intake.pk]), {"mechanic_id": pending.pk, "source": "other_match"}
    )
    assert response["Location"] == reverse("journey:preview", args=[intake.pk])
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert notices == ["That mechanic is not available for sessions."]
    intake.refresh_from_db()
    assert intake.chosen_mechanic_id is None and not intake.routing


def test_a_malformed_choice_is_not_found(customer_client, customer):
    intake = ready_intake(customer)
    response = customer_client.post(reverse("journey:choose", args=[intake.pk]), {"mechanic_id": "first"})
    assert response.status_code == 404
