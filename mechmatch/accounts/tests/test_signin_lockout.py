"""django-axes on both sign-in paths: a lock per email and client address, lifted after the
cool-off; the API answers its error JSON, the page a page, both 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client

from mechmatch.accounts.models import ApiToken
from mechmatch.testing import PASSWORD

pytestmark = pytest.mark.django_db

AccessAttempt = apps.get_model("axes", "AccessAttempt")

EMAIL = "casey@example.test"


@pytest.fixture(autouse=True)
def _lock_only(settings):
    # The per-address sign-in rate limit would also answer 429 by the 21st try; these tests are
    # about the lock, which must hold on its own (tests of the limit are in test_rate_limits.py).
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": ""}


def _token(client: Client, email: str, password: str):
    return client.post("/api/auth/token", {"email": email, "password": password}, content_type="application/json")


def _page(client: Client, email: str, password: str):
    return client.post("/accounts/signin/", {"username": email, "password": password})


def _cool_off_passes(settings) -> None:
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME)


def test_twenty_wrong_passwords_on_the_token_endpoint_end_in_429(customer, settings):
    client = Client()
    statuses = [_token(client, EMAIL, "wrong").status_code for _ in range(20)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}


def test_the_locked_out_api_client_gets_the_api_error_shape_and_retry_after(customer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(client, EMAIL, "wrong")
    response = _token(client, EMAIL, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    body = response.json()
    assert body["success"] is False
    assert body == {"success": False, "error": "Too many failed sign-ins. Try again in 15 minutes.", "errors": []}
    assert not ApiToken.objects.filter(user=customer.user).exists()


def test_the_right_password_works_again_once_the_cool_off_has_passed(customer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(client, EMAIL, "wrong")
    assert _token(client, EMAIL, PASSWORD).status_code == 429
    _cool_off_passes(settings)
    assert _token(client, EMAIL, PASSWORD).status_code == 200


def test_the_lock_is_for_that_email_from_that_address_only(customer, outsider, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(Client(REMOTE_ADDR="203.0.113.9"), EMAIL, "wrong")
    assert _token(Client(REMOTE_ADDR="203.0.113.9"), EMAIL, PASSWORD).status_code == 429
    # The owner elsewhere, and another account from the attacker's address, are not locked out.
    assert _token(Client(REMOTE_ADDR="198.51.100.7"), EMAIL, PASSWORD).status_code == 200
    assert _token(Client(REMOTE_ADDR="203.0.113.9"), "outsider@example.test", PASSWORD).status_code == 200


def test_the_email_is_counted_as_sign_in_compares_it(customer, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _token(client, f"  CASEY@example.TEST{' ' * n}", "wrong")
    assert _token(client, EMAIL, PASSWORD).status_code == 429


def test_a_successful_sign_in_starts_the_count_again(customer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _token(client, EMAIL, "wrong")
    assert _token(client, EMAIL, PASSWORD).status_code == 200
    assert [_token(client, EMAIL, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT - 1)] == [401] * (
        settings.AXES_FAILURE_LIMIT - 1
    )


def test_twenty_wrong_passwords_on_the_sign_in_page_end_in_a_friendly_429(customer, settings):
    client = Client()
    statuses = [_page(client, EMAIL, "wrong").status_code for _ in range(20)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}
    locked = _page(client, EMAIL, PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    page = locked.content.decode()
    assert "Sign-in paused" in page and "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_signs_in_again_after_the_cool_off(customer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _page(client, EMAIL, "wrong")
    _cool_off_passes(settings)
    response = _page(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.user.pk)


def test_the_cool_off_is_configurable_and_never_permanent(settings):
    assert timedelta(0) < settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_an_operator_lifts_a_lock_from_the_admin(customer, operator, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(client, EMAIL, "wrong")
    ops = Client()
    ops.force_login(operator)
    attempt = AccessAttempt.objects.get()
    assert ops.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    assert _token(client, EMAIL, PASSWORD).status_code == 200


def test_the_locked_out_page_speaks_canadian_french(customer, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-ca")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _page(client, EMAIL, "wrong")
    page = _page(client, EMAIL, PASSWORD).content.decode()
    assert "Connexion suspendue" in page and "réessayez dans 15 minutes" in page
