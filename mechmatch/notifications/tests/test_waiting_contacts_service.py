"""A contact left on the nobody-available screen is told once, when a matching mechanic
within reach goes on shift; the admin lists who is still waiting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch import services
from mechmatch.journey.models import Intake
from mechmatch.notifications.available import waiting_contacts_qs
from mechmatch.notifications.models import Kind, Notification
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(customer):
    return Intake.objects.create(
        user=customer.user,
        year="2018",
        make="Honda",
        model="Civic",
        concern="Rattle",
        country="CA",
        latitude=customer.latitude,
        longitude=customer.longitude,
        contact_phone="416 555 0199",
    )


def told(intake) -> int:
    return Notification.objects.filter(user=intake.user, kind=Kind.MECHANIC_AVAILABLE).count()


def test_a_matching_mechanic_going_on_shift_tells_the_contact_once(waiting):
    mechanic = make_mechanic(brands=["Honda"], on_shift=False)
    services.mechanic_shift_set(mechanic=mechanic, online=True)
    services.mechanic_shift_set(mechanic=mechanic, online=False)
    services.mechanic_shift_set(mechanic=mechanic, online=True)
    make_mechanic_two = make_mechanic(brands=["Honda"], on_shift=False)
    services.mechanic_shift_set(mechanic=make_mechanic_two, online=True)
    assert told(waiting) == 1
    notification = Notification.objects.get(kind=Kind.MECHANIC_AVAILABLE)
    assert notification.context["vehicle"] == "2018 Honda Civic"
    assert notification.context["path"] == reverse("journey:preview", args=[waiting.pk])
    assert list(waiting_contacts_qs()) == []


def test_a_mechanic_of_another_brand_does_not(waiting):
    services.mechanic_shift_set(mechanic=make_mechanic(brands=["BMW"], on_shift=False), online=True)
    assert told(waiting) == 0
    assert list(waiting_contacts_qs()) == [waiting]


def test_a_mechanic_out_of_reach_does_not(waiting):
    far = make_mechanic(brands=["Honda"], on_shift=False, postal_code="V6B 1A1")  # Vancouver, not Toronto
    services.mechanic_shift_set(mechanic=far, online=True)
    assert told(waiting) == 0


def test_the_admin_lists_the_waiting_contacts(client, operator, waiting):
    client.force_login(operator)
    page = client.get(reverse("admin:notifications_waitingcontact_changelist")).content.decode()
    assert "416 555 0199" in page
