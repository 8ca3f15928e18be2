"""The `notify` worker command drains the outbox and exits with --once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def test_notify_once_sends_what_is_due(customer, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for i in range(3):
        notification_enqueue(user=customer.user, kind=Kind.BROADCAST, context={"path": "/"}, dedupe_key=f"b:{i}")
    call_command("notify", "--once")
    assert len(mail.outbox) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert "3 handled" in capsys.readouterr().out
