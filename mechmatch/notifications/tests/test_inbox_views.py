"""The inbox, its unread count in the header, and the preferences page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.notifications.models import Kind, Notification, Preference
from mechmatch.notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


def accepted_for(user, key: str = "accepted:request:1") -> Notification:
    notification = notification_enqueue(
        user=user,
        kind=Kind.ACCEPTED,
        context={"mechanic_name": "Morgan", "vehicle": "2018 Honda Civic", "path": "/app/sessions/3/"},
        dedupe_key=key,
    )
    assert notification is not None
    return notification


def test_the_inbox_lists_the_users_own_notifications_with_their_link(client, customer, outsider):
    accepted_for(customer.user)
    accepted_for(outsider, key="accepted:request:2")
    client.force_login(customer.user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Morgan accepted: join your session" in page
    assert 'href="/app/sessions/3/"' in page
    assert page.count('data-kind="accepted"') == 1


def test_the_header_shows_the_unread_count_and_marking_read_clears_it(client, customer):
    notification = accepted_for(customer.user)
    client.force_login(customer.user)
    assert "data-inbox-unread>1<" in client.get(reverse("journey:dashboard")).content.decode()
    client.post(reverse("notifications:inbox_read"), {"notification_id": notification.pk})
    assert "data-inbox-unread" not in client.get(reverse("journey:dashboard")).content.decode()


def test_one_cannot_mark_someone_elses_notification_read(client, customer, outsider):
    notification = accepted_for(customer.user)
    client.force_login(outsider)
    client.post(reverse("notifications:inbox_read"), {"notification_id": notification.pk})
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_inbox_is_in_french_for_a_french_session(client, customer):
    accepted_for(customer.user)
    client.force_login(customer.user)
    client.cookies["django_language"] = "fr-ca"
    assert "Morgan a accepté" in client.get(reverse("notifications:inbox")).content.decode()


def test_the_preferences_page_turns_a_kind_off(client, customer):
    client.force_login(customer.user)
    everything_but_broadcast = {f"email_{kind}": "on" for kind in Kind.values if kind != Kind.BROADCAST}
    client.post(reverse("notifications:preferences"), everything_but_broadcast)
    assert Preference.objects.get(user=customer.user, kind=Kind.BROADCAST).email is False
    assert Preference.objects.get(user=customer.user, kind=Kind.ACCEPTED).email is True
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="email_broadcast">' in page
    assert 'name="email_accepted" checked>' in page


def test_the_inbox_needs_signing_in(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302
