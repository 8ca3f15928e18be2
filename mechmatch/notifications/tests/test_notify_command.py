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


def test_notify_once_also_writes_and_sends_a_due_refund_offer(customer, mechanic, windows, settings):
    from datetime import timedelta

    from django.utils import timezone

    from mechmatch.dispatch.models import SessionRequest
    from mechmatch.dispatch.tests.factories import request_for
    from mechmatch.payments.models import Payment

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REFUND_OFFER_AFTER_SECONDS = 600
    request = request_for(customer.user, routing="selected", selected=mechanic)
    Payment.objects.create(
        user=customer.user,
        reference="intake:1",
        plan_code="standard",
        amount_cents=2999,
        provider="test",
        status=Payment.Status.PAID,
        session_request=request,
    )
    SessionRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(seconds=601))
    mail.outbox.clear()
    call_command("notify", "--once")
    call_command("notify", "--once")
    offered = [m for m in mail.outbox if "you can get a refund" in m.subject]
    assert len(offered) == 1 and "$29.99" in str(offered[0].body)
