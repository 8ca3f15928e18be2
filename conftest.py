"""The fixed people every test can lean on: a customer, a mechanic, an outsider and
an operator, plus API clients signed in as each."""

from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.accounts.models import User
from mechmatch.accounts.services import token_create
from mechmatch.testing import make_customer, make_mechanic, make_user


@pytest.fixture
def customer(db):
    return make_customer(email="casey@example.test")


@pytest.fixture
def mechanic(db):
    return make_mechanic(display_name="Morgan Lee", email="morgan@example.test", brands=["Honda"])


@pytest.fixture
def outsider(db):
    return make_user(role=User.Role.CUSTOMER, email="outsider@example.test")


@pytest.fixture
def operator(db):
    return make_user(role=User.Role.OPERATOR, email="ops@example.test")


def _bearer_client(user: User) -> Client:
    _, raw = token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def customer_api(customer) -> Client:
    return _bearer_client(customer.user)


@pytest.fixture
def mechanic_api(mechanic) -> Client:
    return _bearer_client(mechanic.user)


@pytest.fixture
def outsider_api(outsider) -> Client:
    return _bearer_client(outsider)


@pytest.fixture
def operator_api(operator) -> Client:
    return _bearer_client(operator)
