""" "Notify me when a mechanic is available": the contacts customers left on the
nobody-available screen, and telling each once when a matching mechanic goes on shift."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from mechmatch.core.geo import haversine_km
from mechmatch.journey.models import Intake
from mechmatch.mechanics.models import Mechanic
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notification_enqueue


def _dedupe_key(intake_id: int) -> str:
    return f"{Kind.MECHANIC_AVAILABLE}:intake:{intake_id}"


def waiting_contacts_qs() -> QuerySet[Intake]:
    """Intakes whose customer left a contact and has not been told yet (the admin lists these)."""
    told = Notification.objects.filter(kind=Kind.MECHANIC_AVAILABLE).values_list("dedupe_key", flat=True)
    return (
        Intake.objects.exclude(contact_phone="")
        .exclude(status=Intake.Status.SUBMITTED)
        .exclude(pk__in=[int(key.rsplit(":", 1)[1]) for key in told])
        .select_related("user")
    )


def _matches(intake: Intake, mechanic: Mechanic) -> bool:
    brands = [b.lower() for b in mechanic.brand_specializations or []]
    if brands and intake.make and intake.make.lower() not in brands:
        return False
    if intake.latitude is None or intake.longitude is None or mechanic.latitude is None or mechanic.longitude is None:
        return intake.country == mechanic.country
    distance = haversine_km(intake.latitude, intake.longitude, mechanic.latitude, mechanic.longitude)
    return distance <= settings.NOTIFY_AVAILABLE_RADIUS_KM


def waiting_contacts_notify(mechanic: Mechanic) -> int:
    """Tell every waiting contact this mechanic matches (called when they go on shift);
    the dedupe key makes it once per intake, whoever comes on shift later."""
    told = 0
    with transaction.atomic():
        for intake in waiting_contacts_qs():
            if not _matches(intake, mechanic):
                continue
            vehicle = " ".join(part for part in (intake.year, intake.make, intake.model) if part)
            if notification_enqueue(
                user=intake.user,
                kind=Kind.MECHANIC_AVAILABLE,
                context={
                    "mechanic_name": mechanic.first_name,
                    "vehicle": vehicle,
                    "phone": intake.contact_phone,
                    "path": reverse("journey:preview", args=[intake.pk]),
                },
                dedupe_key=_dedupe_key(intake.pk),
            ):
                told += 1
    return told
