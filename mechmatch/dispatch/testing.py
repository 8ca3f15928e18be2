"""Bulk builders for the dispatcher's multi-process tests and its benchmark: many requests
whose exclusive offers have already lapsed, written with a few bulk inserts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.mechanics.models import Mechanic


def make_lapsing_requests(
    *,
    customer: User,
    mechanics: list[Mechanic],
    count: int,
    tag: str = "bench",
    due_at: datetime | None = None,
    spread_seconds: float = 0.0,
) -> list[int]:
    """`count` selected requests, each with one exclusive offer that expired a second ago
    (or expires at `due_at`, the i-th `i * spread_seconds / count` later). The dispatcher
    turns each into `awaiting_choice` exactly once, when it is due."""
    first_due = due_at or timezone.now() - timedelta(seconds=1)

    def due(i: int) -> datetime:
        return first_due + timedelta(seconds=spread_seconds * i / count)

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
            fallback_due_at=due(i),
        )
        for i in range(count)
    ]
    SessionRequest.objects.bulk_create(requests, batch_size=500)
    ids = list(
        SessionRequest.objects.filter(customer=customer, vehicle_key__startswith=f"{tag}|")
        .order_by("id")
        .values_list("pk", "selected_mechanic_id", "fallback_due_at")
    )
    offers = []
    for pk, mechanic_id, expires in ids:
        assert expires is not None and mechanic_id is not None
        offers.append(
            Offer(
                request_id=pk,
                mechanic_id=mechanic_id,
                kind=Offer.Kind.EXCLUSIVE,
                offered_at=expires - timedelta(seconds=300),
                expires_at=expires,
                notified_at=expires - timedelta(seconds=300),
            )
        )
    Offer.objects.bulk_create(offers, batch_size=500)
    return [pk for pk, _, _ in ids]
