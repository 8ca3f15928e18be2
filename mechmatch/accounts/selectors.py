from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from mechmatch.accounts.models import ApiToken, RateLimitCount, User


def token_idle_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.TOKEN_IDLE_DAYS)


def tokens_live() -> QuerySet[ApiToken]:
    """Tokens that still authenticate: not revoked, and used (or issued) within TOKEN_IDLE_DAYS.
    Each use slides the window, so only a token left unused expires."""
    return (
        ApiToken.objects.filter(revoked_at__isnull=True)
        .alias(last_seen=Coalesce("last_used_at", "created_at"))
        .filter(last_seen__gte=token_idle_cutoff())
    )


def token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return tokens_live().filter(user=user).order_by("-last_seen", "-pk")


def token_expires_at(token: ApiToken) -> datetime:
    return (token.last_used_at or token.created_at) + timedelta(days=settings.TOKEN_IDLE_DAYS)


def rate_limit_hits(*, key: str, window_start: int) -> int:
    found = RateLimitCount.objects.filter(key=key, window_start=window_start).values_list("hits", flat=True).first()
    return int(found or 0)
