from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mechmatch.funnel.models import SatisfactionAnswer
from mechmatch.funnel.testing import make_consultation, make_request_at
from mechmatch.testing import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(customer, mechanic):
    now = timezone.now()
    request = make_request_at(customer.user, now - timedelta(hours=1))
    return make_consultation(request, mechanic, started_at=now - timedelta(minutes=30), ended_at=now)


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_completion_page_asks_the_optional_question_and_keeps_one_answer(customer, ended):
    client = as_user(customer.user)
    assert (
        "How likely are you to recommend mechmatch to a friend?"
        in client.get(f"/app/sessions/{ended.pk}/complete/").content.decode()
    )

    assert client.post(f"/app/sessions/{ended.pk}/satisfaction/", {"score": "9"}).status_code == 302
    client.post(f"/app/sessions/{ended.pk}/satisfaction/", {"score": "2"})

    assert list(SatisfactionAnswer.objects.values_list("customer_id", "score")) == [(customer.user.pk, 9)]
    assert "You told us 9 out of 10" in client.get(f"/app/sessions/{ended.pk}/complete/").content.decode()


def test_another_customer_cannot_answer_for_someone_else_s_session(ended):
    response = as_user(make_customer().user).post(f"/app/sessions/{ended.pk}/satisfaction/", {"score": "0"})
    assert response.status_code == 404 and not SatisfactionAnswer.objects.exists()


@pytest.mark.parametrize("score", ["11", "-1", "ten", ""])
def test_an_answer_outside_0_to_10_is_refused(customer, ended, score):
    as_user(customer.user).post(f"/app/sessions/{ended.pk}/satisfaction/", {"score": score})
    assert not SatisfactionAnswer.objects.exists()
