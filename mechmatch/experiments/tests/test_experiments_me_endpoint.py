from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.experiments.tests.conftest import set_arms

pytestmark = pytest.mark.django_db


def test_the_caller_sees_their_arm(preview_experiment, customer_api):
    set_arms(preview_experiment, 0, 100)
    response = customer_api.get("/api/experiments/me")
    assert response.status_code == 200
    assert response.json() == {"arms": {"preview_and_choose": "control"}}


def test_a_caller_in_no_arm_sees_none(preview_experiment, customer_api):
    assert customer_api.get("/api/experiments/me").json() == {"arms": {}}


def test_the_page_session_and_the_api_token_agree(preview_experiment, customer, customer_api):
    set_arms(preview_experiment, 50, 50)
    browser = Client()
    browser.force_login(customer.user)
    assert browser.get("/api/experiments/me").json() == customer_api.get("/api/experiments/me").json()


def test_anonymous_callers_get_401():
    assert Client().get("/api/experiments/me").status_code == 401
