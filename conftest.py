"""The fixed people every test can lean on: a customer, a mechanic, an outsider and
an operator, plus API clients signed in as each."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from mechmatch.accounts.models import User
from mechmatch.accounts.services import token_create
from mechmatch.testing import make_customer, make_mechanic, make_user

# The browser fixtures (one Playwright, one chromium for the whole run).
pytest_plugins = ["mechmatch.browser_testing"]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


_test_number = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts its requests afresh: rate-limit counters live in the cache, whose rows a
    transactional or live-server test would otherwise leave to the next one."""
    number = next(_test_number)
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{number}"},
        # Each test its own per-process store too, so no test sees another's cached showcase.
        "local": {**settings.CACHES["local"], "LOCATION": f"test-{number}"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: LocaleMiddleware leaves a request's language active in the
    thread, so a French page in one test would otherwise translate the next test's messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
