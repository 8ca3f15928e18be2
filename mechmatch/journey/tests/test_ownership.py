"""Each page is visible only to its owner; everyone else gets 404 (ids reveal nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake

pytestmark = pytest.mark.django_db


def test_another_customer_gets_404_on_every_page_of_someone_elses_booking(outsider_client, consultation):
    request = consultation.request
    intake = Intake.objects.get(session_request=request)
    urls = (
        [
            reverse(name, args=[intake.pk])
            for name in ("journey:intake", "journey:preview", "journey:plan", "journey:waiver")
        ]
        + [reverse(name, args=[request.pk]) for name in ("journey:request", "journey:request_live")]
        + [
            reverse(name, args=[consultation.pk])
            for name in ("journey:session", "journey:session_messages", "journey:complete", "journey:report")
        ]
    )
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    for name in ("journey:session_messages", "journey:session_end", "journey:rebook"):
        assert outsider_client.post(reverse(name, args=[consultation.pk]), {"body": "hi"}).status_code == 404, name
