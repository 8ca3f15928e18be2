from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import SessionRequest
from mechmatch.journey.services import intake_choose_mechanic, intake_current, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.services import payment_start

pytestmark = pytest.mark.django_db


def test_a_mechanic_suspended_after_the_choice_is_explained_on_the_waiver_page_not_a_500(
    customer, customer_client, toronto_mechanics
):
    intake = intake_submit(intake=intake_current(user=customer.user), data={**INTAKE_POST, "prefer_local": True})
    chosen = toronto_mechanics[0]
    intake_choose_mechanic(intake=intake, mechanic_id=chosen.pk, source="top_match")
    intake.plan_code = "free"
    intake.save()
    payment_start(user=customer.user, reference=intake.reference, plan_code="free", return_path="/", cancel_path="/")
    Mechanic.objects.filter(pk=chosen.pk).update(account_status=Mechanic.AccountStatus.SUSPENDED)

    response = customer_client.post(reverse("journey:waiver", args=[intake.pk]), {"accept": "on"})

    assert response.status_code == 200
    assert "That mechanic is not available on mechmatch." in response.content.decode()
    assert not SessionRequest.objects.filter(customer=customer.user).exists()
