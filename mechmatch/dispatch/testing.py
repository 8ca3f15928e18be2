"""Bulk builders for the dispatcher's multi-process tests and its benchmark: many requests
whose exclusive offers have already lapsed, written with a few bulk inserts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.mechanics.models import Mechanic


def make_lapsing_requests(*, customer: User, mechanics: list[Mechanic], count: int, tag: str = "bench") -> list[int]:
    """`count` selected requests, each with one exclusive offer that expired a second ago.
    The dispatcher turns each into `awaiting_choice` exactly once."""
    now = timezone.now()
    past = now - timedelta(seconds=1)
    requests = [
        SessionRequest(
            customer=customer,
            vehicle_year=2018,
            vehicle_make="Honda",
            vehicle_model="Civic",
            vehicle_key=f"{tag}|{i}",
            concern="Check engine light",
            country="CA",
            region="ON",
            city="Toronto",
            routing_type=SessionRequest.RoutingType.SELECTED,
            selected_mechanic=mechanics[i % len(mechanics)],
            status=SessionRequest.Status.PENDING,
            stage=SessionRequest.Stage.EXCLUSIVE,
            fallback_due_at=past,
        )
        for i in range(count)
    ]
    SessionRequest.objects.bulk_create(requests, batch_size=500)
    ids = list(
        SessionRequest.objects.filter(customer=customer, vehicle_key__startswith=f"{tag}|")
        .order_by("id")
        .values_list("pk", "selected_mechanic_id")
    )
    Offer.objects.bulk_create(
        (
            Offer(
                request_id=pk,
                mechanic_id=mechanic_id,
                kind=Offer.Kind.EXCLUSIVE,
                offered_at=past - timedelta(seconds=300),
                expires_at=past,
                notified_at=past - timedelta(seconds=300),
            )
            for pk, mechanic_id in ids
        ),
        batch_size=500,
    )
    return [pk for pk, _ in ids]
