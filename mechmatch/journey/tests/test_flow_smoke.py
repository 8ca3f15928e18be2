from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import offer_accept
from mechmatch.journey.models import Intake
from mechmatch.journey.tests.conftest import INTAKE_POST

pytestmark = pytest.mark.django_db


def test_the_whole_journey_works_with_plain_forms(customer_client, customer, toronto_mechanics):
    response = customer_client.get(reverse("journey:dashboard"))
    assert response.status_code == 200
    response = customer_client.get(reverse("journey:intake_start"))
    intake_url = response["Location"]
    response = customer_client.post(intake_url, INTAKE_POST)
    assert response.status_code == 302, response.content.decode()[:3000]
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:preview", args=[intake.pk])
    response = customer_client.get(response["Location"])
    assert response.status_code == 200
    assert b"Continue with" in response.content
    top = response.context["view"].top
    response = customer_client.post(
        reverse("journey:choose", args=[intake.pk]), {"mechanic_id": top.id, "source": "top_match"}
    )
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])
    assert customer_client.get(response["Location"]).status_code == 200
    response = customer_client.post(reverse("journey:plan", args=[intake.pk]), {"plan_code": "standard"})
    checkout = response["Location"]
    assert "/payments/test/" in checkout
    page = customer_client.get(checkout)
    assert b"TEST MODE" in page.content
    response = customer_client.post(checkout, {"outcome": "pay"})
    assert response["Location"] == reverse("journey:waiver", args=[intake.pk])
    assert customer_client.get(response["Location"]).status_code == 200
    response = customer_client.post(reverse("journey:waiver", args=[intake.pk]), {"accept": "on"})
    request = SessionRequest.objects.get(customer=customer.user)
    assert response["Location"] == reverse("journey:request", args=[request.pk])
    assert request.routing_type == "selected"
    assert customer_client.get(response["Location"]).status_code == 200
    assert customer_client.get(reverse("journey:request_live", args=[request.pk])).status_code == 200
    offer = Offer.objects.get(request=request)
    consultation = offer_accept(mechanic=offer.mechanic, offer_id=offer.pk)
    response = customer_client.get(reverse("journey:request", args=[request.pk]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])
    assert customer_client.get(response["Location"]).status_code == 200
    customer_client.post(reverse("journey:session_messages", args=[consultation.pk]), {"body": "Hi <b>there</b>"})
    page = customer_client.get(reverse("journey:session", args=[consultation.pk]))
    assert b"Hi &lt;b&gt;there&lt;/b&gt;" in page.content
    response = customer_client.post(reverse("journey:session_end", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:complete", args=[consultation.pk])
    response = customer_client.post(response["Location"], {"rating": "5", "comment": "Great"})
    page = customer_client.get(reverse("journey:complete", args=[consultation.pk]))
    assert b"to favourites" in page.content
    report = customer_client.get(reverse("journey:report", args=[consultation.pk]))
    assert b"Brakes squeal" in report.content
    assert customer_client.get(reverse("journey:history")).status_code == 200
    response = customer_client.post(reverse("journey:rebook", args=[consultation.pk]))
    assert customer_client.get(response["Location"]).status_code == 200
