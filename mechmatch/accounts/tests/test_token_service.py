from __future__ import annotations

from datetime import timedelta

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from mechmatch.accounts.models import ApiToken
from mechmatch.accounts.services import token_authenticate, token_create, token_issue_for_credentials
from mechmatch.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _age(token: ApiToken, *, days: float, used: bool) -> None:
    moment = timezone.now() - timedelta(days=days)
    ApiToken.objects.filter(pk=token.pk).update(created_at=moment, last_used_at=moment if used else None)


def test_a_token_unused_for_the_idle_days_is_refused(customer, settings):
    settings.TOKEN_IDLE_DAYS = 30
    token, raw = token_create(user=customer.user)
    _age(token, days=31, used=False)
    assert token_authenticate(raw) is None


def test_each_use_slides_the_expiry(customer, settings):
    settings.TOKEN_IDLE_DAYS = 30
    token, raw = token_create(user=customer.user)
    _age(token, days=29, used=True)
    assert token_authenticate(raw) == customer.user
    token.refresh_from_db()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=90))
    assert token_authenticate(raw) == customer.user  # old, but in use


def test_signing_in_again_and_again_keeps_at_most_the_cap_of_tokens(customer, settings):
    settings.TOKEN_MAX_PER_USER = 3
    issued = []
    for n in range(6):
        token, raw = token_create(user=customer.user, name=f"device {n}")
        _age(token, days=(6 - n) / 100, used=True)  # older ones were used longer ago
        issued.append(raw)
    assert ApiToken.objects.filter(user=customer.user).count() == 3
    assert [token_authenticate(raw) is not None for raw in issued] == [False, False, False, True, True, True]


def test_dead_tokens_are_deleted_at_the_next_sign_in(customer):
    revoked, _ = token_create(user=customer.user)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired, _ = token_create(user=customer.user)
    _age(expired, days=365, used=True)
    token_create(user=customer.user)
    assert not ApiToken.objects.filter(pk__in=[revoked.pk, expired.pk]).exists()


def test_the_token_service_passes_the_request_so_sign_in_locks_can_count(customer):
    request = RequestFactory().post("/api/auth/token")
    assert token_issue_for_credentials(request=request, email="casey@example.test", password=PASSWORD) is not None
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="casey@example.test", password=PASSWORD)
