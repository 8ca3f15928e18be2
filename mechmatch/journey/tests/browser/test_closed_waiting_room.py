"""Done when (issue 13): the customer closes the waiting room; the mechanic accepts; the
customer's inbox and the e-mail outbox hold "accepted" with a join link that opens the
session page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from playwright.sync_api import expect

from mechmatch.dispatch.models import Consultation
from mechmatch.journey.tests.browser.helpers import fill_intake, seed_toronto_mechanics, sign_in, sign_up
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notifications_send_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_who_closed_the_waiting_room_is_told_of_the_accept_with_a_working_join_link(
    new_context, shots, settings, live_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = live_server.url
    people = seed_toronto_mechanics()
    customer_context = new_context()
    customer = customer_context.new_page()
    sign_up(customer, first_name="Casey", email="casey.closed@example.test")
    customer.goto("/app/intake/")
    fill_intake(customer)
    customer.get_by_role("button", name="Find mechanics").click()
    best = customer.locator(".mechanic-card.highlight .mech-name").inner_text().strip()
    first_name = best.split()[0]
    customer.get_by_role("button", name=f"Continue with {first_name}").click()
    customer.get_by_text("Standard Video").click()
    customer.get_by_role("button", name="Continue to payment").click()
    customer.get_by_role("button", name=re.compile(r"^Pay \$29\.99")).click()
    customer.get_by_label("I have read and accept these terms").check()
    customer.get_by_role("button", name=f"Accept and request {first_name}").click()
    expect(customer.get_by_test_id("request-status")).to_contain_text(f"Waiting for {first_name} to accept")
    shots(customer, "waiting-room")
    customer.close()  # the customer closes the tab: nothing of ours is open for them now

    mechanic = new_context().new_page()
    sign_in(mechanic, people[best])
    mechanic.goto("/mechanic/offers/")
    offer = mechanic.locator("[data-offer-id]").first
    expect(offer).to_contain_text("2018 Honda Civic")
    offer.get_by_role("button", name="Accept").click()
    shots(mechanic, "accepted")
    consultation = Consultation.objects.get(customer__email="casey.closed@example.test")
    session_path = f"/app/sessions/{consultation.pk}/"

    # The notify worker's step, run once here (what `manage.py notify` does every second).
    mail.outbox.clear()
    notifications_send_due()
    accepted = [m for m in mail.outbox if "accepted: join your session" in m.subject]
    assert len(accepted) == 1 and accepted[0].to == ["casey.closed@example.test"]
    assert Notification.objects.get(user__email="casey.closed@example.test", kind=Kind.ACCEPTED).status == "sent"
    link = re.search(r"^Open: (\S+)$", str(accepted[0].body), re.M)
    assert link is not None and link.group(1) == live_server.url + session_path
    message = accepted[0]
    assert isinstance(message, EmailMultiAlternatives)
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert f'href="{live_server.url}{session_path}"' in str(html)

    # The customer comes back later: the header counts the unread notices, the inbox holds
    # "accepted", and its link opens the session.
    customer = customer_context.new_page()
    customer.goto("/app/")
    expect(customer.locator("[data-inbox-unread]")).to_be_visible()
    customer.get_by_role("link", name=re.compile(r"^Inbox")).click()
    item = customer.locator(f'li[data-kind="{Kind.ACCEPTED}"]')
    expect(item).to_contain_text(f"{first_name} accepted: join your session")
    expect(customer.locator(f'li[data-kind="{Kind.RECEIPT}"]')).to_contain_text("Your receipt: $29.99")
    shots(customer, "inbox")
    item.get_by_role("link", name="Open").click()
    customer.wait_for_url(f"**{session_path}")
    expect(customer.get_by_role("heading", level=1)).to_contain_text(best)
    shots(customer, "session-from-inbox")

    # And the e-mail's own link, followed in the browser, opens the same session page.
    customer.goto(link.group(1))
    customer.wait_for_url(f"**{session_path}")
    expect(customer.get_by_role("heading", level=1)).to_contain_text(best)
    shots(customer, "session-from-email")
