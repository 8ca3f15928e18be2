from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mechmatch.funnel.services import satisfaction_answer_record
from mechmatch.funnel.testing import make_consultation, make_request_at

pytestmark = pytest.mark.django_db


def test_an_active_session_cannot_be_answered_for_yet(customer, mechanic):
    request = make_request_at(customer.user, timezone.now() - timedelta(minutes=5))
    consultation = make_consultation(request, mechanic, started_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        satisfaction_answer_record(user=customer.user, consultation_id=consultation.pk, score=8)
    assert "score" in error.value.message_dict


def test_the_mechanic_of_the_session_cannot_answer_for_the_customer(customer, mechanic):
    request = make_request_at(customer.user, timezone.now() - timedelta(minutes=5))
    consultation = make_consultation(request, mechanic, started_at=timezone.now(), ended_at=timezone.now())
    with pytest.raises(ValidationError):
        satisfaction_answer_record(user=mechanic.user, consultation_id=consultation.pk, score=10)
