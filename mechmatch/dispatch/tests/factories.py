"""Small builders for dispatch tests."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from mechmatch.accounts.services import token_create
from mechmatch.dispatch import services
from mechmatch.dispatch.models import Offer, SessionRequest

CONCERN = "My car won't start and the check engine light is on"
BASE_DIR = Path(settings.BASE_DIR)


def request_for(
    user: Any,
    *,
    routing: str = "smart_broadcast",
    selected: Any = None,
    model: str = "Civic",
    year: int = 2018,
    now: datetime | None = None,
    **extra: Any,
) -> SessionRequest:
    request, _ = services.request_create(
        user=user,
        concern=extra.pop("concern", CONCERN),
        vehicle={"make": extra.pop("make", "Honda"), "model": model, "year": year},
        routing_type=routing,
        country="CA",
        postal_code=extra.pop("postal_code", "M5V 2T6"),
        selected_mechanic_id=selected.pk if selected is not None else None,
        now=now,
        **extra,
    )
    request.refresh_from_db()
    return request


def lapse(request: SessionRequest, seconds: int = 1) -> datetime:
    """Make every open offer and the request's timer due; returns a `now` after them."""
    past = timezone.now() - timedelta(seconds=seconds)
    Offer.objects.filter(request=request, status=Offer.Status.OPEN).update(expires_at=past)
    SessionRequest.objects.filter(pk=request.pk).exclude(fallback_due_at=None).update(fallback_due_at=past)
    return timezone.now()


def client_for(user: Any) -> Client:
    """A bearer-token API client for any user (the root conftest has fixed people only)."""
    _, raw = token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s.get("USER") or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mechmatch.settings",
            "DATABASE_URL": database_url(),
            "FAST_PASSWORD_HASHER": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("TEST_DB_NAME", None)
    env.update(extra)
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]
