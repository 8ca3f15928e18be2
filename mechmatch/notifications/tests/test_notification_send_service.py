"""Claiming and sending: once with two workers, at most twice when one dies mid-send, in
the recipient's language, respecting preferences, retried with backoff."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone

from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import (
    notification_claim_next,
    notification_enqueue,
    notification_message,
    notification_send,
    notifications_send_due,
    preferences_set,
)

CONTEXT = {"mechanic_name": "Morgan", "vehicle": "2018 Honda Civic", "path": "/app/sessions/7/"}


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://mechmatch.example"
    settings.NOTIFY_CLAIM_TIMEOUT_SECONDS = 120


def html_of(message: object) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


def enqueue(user, key: str = "accepted:request:7") -> Notification:
    notification = notification_enqueue(user=user, kind=Kind.ACCEPTED, context=CONTEXT, dedupe_key=key)
    assert notification is not None
    return notification


@pytest.mark.django_db
def test_the_same_event_is_enqueued_once(customer):
    enqueue(customer.user)
    assert (
        notification_enqueue(user=customer.user, kind=Kind.ACCEPTED, context=CONTEXT, dedupe_key="accepted:request:7")
        is None
    )
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(customer):
    with pytest.raises(ValueError, match="kind"):
        notification_enqueue(user=customer.user, kind="nonsense", context={}, dedupe_key="x")


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_notification_exactly_once(customer):
    for i in range(20):
        enqueue(customer.user, key=f"accepted:request:{i}")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            notifications_send_due(limit=100)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mail.outbox) == 20
    assert Notification.objects.filter(status="sent").count() == 20


@pytest.mark.django_db
def test_a_fresh_claim_is_not_taken_by_another_worker(customer):
    enqueue(customer.user)
    assert notification_claim_next() is not None
    assert notification_claim_next() is None


@pytest.mark.django_db
def test_a_worker_killed_mid_send_means_at_most_one_resend(customer):
    enqueue(customer.user)
    claimed = notification_claim_next()  # worker A claims, sends, and dies before marking it sent
    assert claimed is not None
    notification_message(claimed).send()
    later = timezone.now() + timedelta(seconds=121)
    retaken = notification_claim_next(now=later)  # the stale claim: worker B takes it over once
    assert retaken is not None and retaken.pk == claimed.pk
    notification_send(retaken, now=later)
    assert notification_claim_next(now=later + timedelta(seconds=600)) is None
    assert len(mail.outbox) == 2
    assert Notification.objects.get().status == "sent"


@pytest.mark.django_db
def test_a_kind_turned_off_is_not_mailed_but_stays_in_the_inbox(customer):
    preferences_set(user=customer.user, email_by_kind={Kind.ACCEPTED: False})
    enqueue(customer.user)
    notifications_send_due()
    assert mail.outbox == []
    assert Notification.objects.get().status == "skipped"
    assert Notification.objects.filter(user=customer.user, read_at=None).count() == 1


@pytest.mark.django_db
def test_other_kinds_are_still_mailed_when_one_is_off(customer):
    preferences_set(user=customer.user, email_by_kind={Kind.BROADCAST: False})
    enqueue(customer.user)
    notifications_send_due()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_french_user_gets_french_text_and_html_with_an_absolute_link(customer):
    customer.user.preferred_language = "fr-ca"
    customer.user.save(update_fields=["preferred_language"])
    enqueue(customer.user)
    notifications_send_due()
    [message] = mail.outbox
    assert "Morgan a accepté" in message.subject
    assert message.body.startswith("Bonjour Casey,")
    assert "Ouvrir: https://mechmatch.example/app/sessions/7/" in message.body
    html = html_of(message)
    assert '<a href="https://mechmatch.example/app/sessions/7/">Ouvrir</a>' in html
    assert 'lang="fr"' in html


@pytest.mark.django_db
def test_an_english_user_gets_english(customer):
    enqueue(customer.user)
    notifications_send_due()
    assert "Morgan accepted: join your session" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["casey@example.test"]


@pytest.mark.django_db
def test_the_html_body_escapes_what_users_typed(customer):
    notification_enqueue(
        user=customer.user,
        kind=Kind.EXCLUSIVE_OFFER,
        context={"customer_first_name": "<b>Eve</b>", "concern": "<script>x</script>", "path": "/"},
        dedupe_key="exclusive_offer:offer:1",
    )
    notifications_send_due()
    html = html_of(mail.outbox[0])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_with_backoff(customer, settings):
    settings.EMAIL_BACKEND = "mechmatch.notifications.tests.failing_backend.FailingBackend"
    enqueue(customer.user)
    now = timezone.now()
    claimed = notification_claim_next(now=now)
    assert claimed is not None
    assert notification_send(claimed, now=now) == "pending"
    row = Notification.objects.get()
    assert row.attempts == 1
    assert row.next_attempt_at > now + timedelta(seconds=10)
    assert "refused" in row.last_error
    assert notification_claim_next(now=now) is None


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt(customer, settings):
    settings.EMAIL_BACKEND = "mechmatch.notifications.tests.failing_backend.FailingBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 1
    enqueue(customer.user)
    claimed = notification_claim_next()
    assert claimed is not None
    assert notification_send(claimed) == "failed"
