from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signing_in_with_email_works(customer):
    response = Client().post(
        "/accounts/signin/", {"username": "casey@example.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
