"""Writes for notifications: enqueue (inside the caller's transaction), claim and send
(the worker), read and preferences (the user).

Sending follows healthchecks' sendalerts: a worker claims a due row with a conditional
UPDATE (pending -> sending, or a stale `sending` whose claim is older than
NOTIFY_CLAIM_TIMEOUT_SECONDS), sends outside any transaction, then marks it sent. Two
workers never both win the claim, so a row is sent once in the normal course; a worker
killed between claim and mark leaves a stale claim that one other worker takes over,
so the row is sent at most twice."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.core.backoff import Backoff
from mechmatch.notifications import texts
from mechmatch.notifications.models import Kind, Notification, Preference

logger = logging.getLogger(__name__)


def notification_enqueue(*, user: User, kind: str, context: dict[str, Any], dedupe_key: str) -> Notification | None:
    """Write one notification row in the caller's transaction (call it inside the
    transaction that makes the change). `dedupe_key` names the event, e.g.
    "accepted:request:42": a second enqueue with the same key is a no-op and returns None.
    `context` holds the values the kind's text uses and `path`, the page it links to."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    try:
        with transaction.atomic():  # a savepoint, so a duplicate does not spoil the caller's transaction
            return Notification.objects.create(
                user=user, kind=kind, context=context, dedupe_key=dedupe_key[:200], next_attempt_at=timezone.now()
            )
    except IntegrityError:
        return None


@dataclass(frozen=True, slots=True)
class NotificationDraft:
    """A notification to enqueue with others (notifications_enqueue_many)."""

    user_id: int
    kind: str
    context: dict[str, Any]
    dedupe_key: str


def notifications_enqueue_many(drafts: Iterable[NotificationDraft]) -> None:
    """Writes many notifications in one INSERT in the caller's transaction (the dispatcher's
    set-wise step: one statement for a batch, not a savepoint and an INSERT each). A draft
    whose dedupe_key is already written is skipped, as notification_enqueue skips it."""
    now = timezone.now()
    rows = []
    for draft in drafts:
        if draft.kind not in Kind.values:
            raise ValueError(f"Unknown notification kind {draft.kind!r}")
        rows.append(
            Notification(
                user_id=draft.user_id,
                kind=draft.kind,
                context=draft.context,
                dedupe_key=draft.dedupe_key[:200],
                next_attempt_at=now,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _claimable(now: datetime) -> Q:
    stale = now - timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale
    )


def notification_claim_next(now: datetime | None = None) -> Notification | None:
    """Claim the oldest due notification for this worker, or None when nothing is due. The
    conditional UPDATE re-checks the state it read, so of two workers only one wins a row."""
    now = now or timezone.now()
    for _ in range(10):
        candidate = (
            Notification.objects.filter(_claimable(now))
            .order_by("next_attempt_at", "id")
            .values("pk", "status")
            .first()
        )
        if candidate is None:
            return None
        won = (
            Notification.objects.filter(pk=candidate["pk"])
            .filter(_claimable(now))
            .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
        if won == 1:
            return Notification.objects.select_related("user").get(pk=candidate["pk"])
    return None  # lost ten races in a row: others are busy draining; try again next tick


def email_wanted(user: User, kind: str) -> bool:
    return not Preference.objects.filter(user=user, kind=kind, email=False).exists()


def absolute_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + (path or "/")


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a notification, in the recipient's language, text and HTML."""
    user = notification.user
    language = texts.language_of(user.preferred_language)
    subject, body = texts.render(notification.kind, notification.context, language)
    values = {
        "language": language,
        "greeting": texts.GREETINGS[language].format(first_name=user.first_name or user.email),
        "body": body,
        "link": absolute_link(str(notification.context.get("path", "/"))),
        "link_label": texts.LINK_LABELS[language],
        "footer": texts.FOOTERS[language],
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string("notifications/email/message.txt", values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("notifications/email/message.html", values), "text/html")
    return message


def notification_send(notification: Notification, now: datetime | None = None) -> str:
    """Send a claimed notification (no transaction is open: the SMTP call may be slow) and
    record the outcome: sent, skipped (e-mail off for this kind), or retried with capped
    backoff until NOTIFY_MAX_ATTEMPTS, then failed. Returns the new status."""
    if not email_wanted(notification.user, notification.kind):
        status = Notification.Status.SKIPPED
        Notification.objects.filter(pk=notification.pk).update(status=status, claimed_at=None)
        return status
    try:
        notification_message(notification).send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is retried, never fatal
        logger.warning("notify: sending %s failed: %s", notification.pk, exc)
        now = now or timezone.now()
        if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            status = Notification.Status.FAILED
        else:
            status = Notification.Status.PENDING
        delay = Backoff(base_seconds=30, cap_seconds=3600, failures=notification.attempts - 1).ceiling()
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=status, claimed_at=None, next_attempt_at=now + timedelta(seconds=delay), last_error=str(exc)[:2000]
        )
        return status
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    return Notification.Status.SENT


def notifications_send_due(*, limit: int = 50) -> int:
    """Claim and send up to `limit` due notifications; returns how many were handled."""
    handled = 0
    while handled < limit:
        notification = notification_claim_next()
        if notification is None:
            break
        notification_send(notification)
        handled += 1
    return handled


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of the user's inbox items read; only the user's own rows."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


def preferences_set(*, user: User, email_by_kind: dict[str, bool]) -> None:
    unknown = sorted(set(email_by_kind) - set(Kind.values))
    if unknown:
        raise ValidationError({"kind": f"Unknown notification kind: {', '.join(unknown)}."})
    for kind, email in email_by_kind.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"email": email})
