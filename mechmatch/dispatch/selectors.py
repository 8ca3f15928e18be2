"""Reads for dispatch: who may see what, the mechanic's offer list, the waiting room."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.dispatch.events import CHANNEL_RE
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.matching.reasons import stored_reasons_localised
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.selectors import mechanic_eligible_qs, mechanic_for_user

RECENT_OFFERS_WINDOW = timedelta(hours=1)


def mechanic_available_qs() -> QuerySet[Mechanic]:
    """Mechanics who may receive offers right now: approved, active and on shift."""
    return mechanic_eligible_qs().filter(is_on_shift=True)


def mechanic_load_map(mechanic_ids: list[int] | set[int] | tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """{mechanic_id: (active_sessions, offers_in_the_last_hour)} for the ranking's fairness
    terms. Mechanics with neither are present with (0, 0). Two grouped queries."""
    ids = list({int(i) for i in mechanic_ids})
    if not ids:
        return {}
    since = timezone.now() - RECENT_OFFERS_WINDOW
    active = dict(
        Consultation.objects.filter(mechanic_id__in=ids, status=Consultation.Status.ACTIVE)
        .values("mechanic_id")
        .annotate(n=Count("id"))
        .values_list("mechanic_id", "n")
    )
    recent = dict(
        Offer.objects.filter(mechanic_id__in=ids, offered_at__gte=since)
        .values("mechanic_id")
        .annotate(n=Count("id"))
        .values_list("mechanic_id", "n")
    )
    return {i: (active.get(i, 0), recent.get(i, 0)) for i in ids}


def mechanic_open_offer_counts(mechanic_ids: list[int]) -> dict[int, int]:
    return dict(
        Offer.objects.filter(mechanic_id__in=mechanic_ids, status=Offer.Status.OPEN)
        .values("mechanic_id")
        .annotate(n=Count("id"))
        .values_list("mechanic_id", "n")
    )


def dispatch_lag_seconds(now: datetime | None = None) -> float:
    """How far behind the dispatchers are: now minus the oldest due timer (a waiting
    request's fallback, or an open offer's expiry on a waiting request), 0.0 when nothing is
    due. Two queries on the dispatcher's partial indexes, cheap enough for every scrape."""
    now = now or timezone.now()
    oldest = [
        SessionRequest.objects.filter(status__in=SessionRequest.WAITING_STATUSES, fallback_due_at__lte=now).aggregate(
            oldest=Min("fallback_due_at")
        )["oldest"],
        Offer.objects.filter(
            status=Offer.Status.OPEN, expires_at__lte=now, request__status__in=SessionRequest.WAITING_STATUSES
        ).aggregate(oldest=Min("expires_at"))["oldest"],
    ]
    due = [moment for moment in oldest if moment is not None]
    return max(0.0, (now - min(due)).total_seconds()) if due else 0.0


# --------------------------------------------------------------------------------------------
# Visibility
# --------------------------------------------------------------------------------------------


def request_visible_qs(user: User) -> QuerySet[SessionRequest]:
    """Requests the user may see: their own, those offered to them, or all for operators."""
    if not user.is_authenticated:
        return SessionRequest.objects.none()
    if user.is_operator:
        return SessionRequest.objects.all()
    mechanic = mechanic_for_user(user)
    condition = Q(customer=user)
    if mechanic is not None:
        condition |= Q(offers__mechanic=mechanic)
    return SessionRequest.objects.filter(condition).distinct()


def request_get_for_user(*, user: User, request_id: int) -> SessionRequest | None:
    return (
        request_visible_qs(user)
        .select_related("selected_mechanic", "assigned_mechanic", "customer")
        .filter(pk=request_id)
        .first()
    )


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """A session request as one viewer may see it. The customer and operators see every offer,
    the other matches and the waiting room; a mechanic sees only their own offer, never who
    else was asked, and nothing of the waiting room."""

    request: SessionRequest
    offers: list[Offer]
    alternatives: list[dict[str, Any]]
    waiting: dict[str, Any]
    consultation_id: int | None


def request_detail_for(*, request: SessionRequest, viewer: User) -> RequestDetail:
    """What `viewer` (who can already see the request: request_get_for_user) is shown of it."""
    is_owner = viewer.is_operator or request.customer_id == viewer.pk
    offers = list(request.offers.select_related("mechanic").order_by("id"))
    if not is_owner:
        mechanic = mechanic_for_user(viewer)
        offers = [o for o in offers if mechanic is not None and o.mechanic_id == mechanic.pk]
    choosing = is_owner and request.status in (SessionRequest.Status.AWAITING_CHOICE, SessionRequest.Status.EXPIRED)
    return RequestDetail(
        request=request,
        offers=offers,
        alternatives=request_alternatives(request) if choosing else [],
        waiting=request_waiting_snapshot(request) if is_owner else {},
        consultation_id=Consultation.objects.filter(request=request).values_list("pk", flat=True).first(),
    )


def request_owned_by(*, user: User, request_id: int) -> SessionRequest | None:
    """The request if the user is its customer (or an operator): who may choose or cancel."""
    qs = SessionRequest.objects.filter(pk=request_id)
    if not user.is_operator:
        qs = qs.filter(customer=user)
    return qs.first()


def request_list_for_customer(*, user: User, limit: int = 20) -> list[SessionRequest]:
    return list(SessionRequest.objects.filter(customer=user).select_related("assigned_mechanic")[:limit])


def request_active_for_customer(*, user: User) -> SessionRequest | None:
    return SessionRequest.objects.filter(customer=user, status__in=SessionRequest.ACTIVE_STATUSES).first()


def channel_authorized(*, user: User, channel: str) -> bool:
    """Only a channel's owner (the request's customer, the mechanic) and operators subscribe."""
    match = CHANNEL_RE.match(channel or "")
    if match is None or not user.is_authenticated:
        return False
    kind, ident = match.group(1), int(match.group(2))
    if kind == "request":
        requests = SessionRequest.objects.filter(pk=ident)
        return requests.exists() if user.is_operator else requests.filter(customer=user).exists()
    mechanics = Mechanic.objects.filter(pk=ident)
    return mechanics.exists() if user.is_operator else mechanics.filter(user=user).exists()


# --------------------------------------------------------------------------------------------
# The mechanic's side
# --------------------------------------------------------------------------------------------


def offer_list_for_mechanic(*, mechanic: Mechanic, now: datetime | None = None) -> list[Offer]:
    """Live offers (targeted/exclusive first, then soonest to expire) plus the accepted offer
    of the mechanic's active session, which alone carries customer contact details."""
    now = now or timezone.now()
    live = list(
        Offer.objects.filter(mechanic=mechanic, status=Offer.Status.OPEN, expires_at__gt=now)
        .select_related("request")
        .order_by("kind", "expires_at", "id")  # "broadcast" < "exclusive": reversed below
    )
    live.sort(key=lambda o: (o.kind != Offer.Kind.EXCLUSIVE, o.expires_at, o.id))
    accepted = list(
        Offer.objects.filter(
            mechanic=mechanic,
            status=Offer.Status.ACCEPTED,
            request__consultation__status=Consultation.Status.ACTIVE,
        ).select_related("request", "request__customer")
    )
    return accepted + live


def offer_get_for_mechanic(*, mechanic: Mechanic, offer_id: int) -> Offer | None:
    return Offer.objects.filter(pk=offer_id, mechanic=mechanic).select_related("request", "request__customer").first()


def offer_history_for_mechanic(*, mechanic: Mechanic, limit: int = 50) -> list[Offer]:
    return list(
        Offer.objects.filter(mechanic=mechanic)
        .exclude(status=Offer.Status.OPEN)
        .select_related("request")
        .order_by("-offered_at", "-id")[:limit]
    )


def consultation_active_for_mechanic(*, mechanic: Mechanic) -> Consultation | None:
    return (
        Consultation.objects.filter(mechanic=mechanic, status=Consultation.Status.ACTIVE)
        .select_related("request", "customer")
        .first()
    )


def offer_of_consultation(*, consultation: Consultation) -> Offer | None:
    """The offer through which the consultation's mechanic took the request."""
    return (
        Offer.objects.filter(request_id=consultation.request_id, mechanic_id=consultation.mechanic_id)
        .select_related("request", "request__customer")
        .first()
    )


def consultation_list_for_mechanic(*, mechanic: Mechanic, limit: int = 50) -> list[Consultation]:
    return list(Consultation.objects.filter(mechanic=mechanic).select_related("request", "customer")[:limit])


def consultation_get_for_user(*, user: User, consultation_id: int) -> Consultation | None:
    qs = Consultation.objects.filter(pk=consultation_id).select_related("request", "mechanic", "customer")
    if user.is_operator:
        return qs.first()
    return qs.filter(Q(customer=user) | Q(mechanic__user=user)).first()


def mechanic_stats(*, mechanic: Mechanic) -> dict[str, Any]:
    mechanic.refresh_from_db(
        fields=[
            "offers_received",
            "offers_accepted",
            "offers_declined",
            "avg_response_seconds",
            "response_sample_count",
            "rating_average",
            "review_count",
            "completed_sessions",
            "is_on_shift",
        ]
    )
    received = mechanic.offers_received
    return {
        "offersReceived": received,
        "offersAccepted": mechanic.offers_accepted,
        "offersDeclined": mechanic.offers_declined,
        "acceptanceRate": round(mechanic.offers_accepted / received, 3) if received else None,
        "avgResponseSeconds": round(mechanic.avg_response_seconds, 1) if mechanic.avg_response_seconds else None,
        "responseSamples": mechanic.response_sample_count,
        "rating": mechanic.rating_average,
        "reviewCount": mechanic.review_count,
        "completedSessions": mechanic.completed_sessions,
        "isOnShift": mechanic.is_on_shift,
        "hasActiveSession": Consultation.objects.filter(mechanic=mechanic, status=Consultation.Status.ACTIVE).exists(),
    }


def customer_contact(user: User) -> dict[str, str]:
    return {
        "name": user.get_full_name() or user.first_name or user.email.split("@")[0],
        "email": user.email,
        "phone": user.phone,
    }


# --------------------------------------------------------------------------------------------
# The customer's waiting room
# --------------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def queue_position(request: SessionRequest) -> int | None:
    """1 for a request waiting on one chosen mechanic (nobody else is in that queue). For a
    broadcast: 1 + the unassigned broadcast requests created earlier in the same province or
    state, i.e. those competing for the same pool of mechanics ahead of this one."""
    if request.status == SessionRequest.Status.PENDING:
        return 1
    if request.status != SessionRequest.Status.BROADCASTING:
        return None
    ahead = SessionRequest.objects.filter(
        status=SessionRequest.Status.BROADCASTING,
        country=request.country,
        region=request.region,
        created_at__lt=request.created_at,
    ).count()
    return ahead + 1


def request_waiting_snapshot(
    request: SessionRequest, now: datetime | None = None, *, offers: list[Offer] | None = None
) -> dict[str, Any]:
    """What the waiting room shows, also the payload of every `request-<id>` stream event.

    ETA is a range in seconds from now: typical = median of the open offers' mechanics'
    average response time, worst = their 90th percentile capped by the offer window (when
    the window ends, the fallback takes over), both minus the time already spent waiting on
    those offers. With no response history the window itself is the worst case.

    `offers`: the request's offers with their mechanics, in id order, if already loaded."""
    now = now or timezone.now()
    if offers is None:
        offers = list(request.offers.select_related("mechanic").order_by("id"))
    open_offers = [o for o in offers if o.status == Offer.Status.OPEN and o.expires_at > now]
    counts: dict[str, int] = {}
    for offer in offers:
        counts[offer.status] = counts.get(offer.status, 0) + 1

    eta: dict[str, Any] | None = None
    if open_offers and request.status in (SessionRequest.Status.PENDING, SessionRequest.Status.BROADCASTING):
        samples = [o.mechanic.avg_response_seconds for o in open_offers if o.mechanic.avg_response_seconds]
        window_left = max((o.expires_at - now).total_seconds() for o in open_offers)
        since = (now - min(o.offered_at for o in open_offers)).total_seconds()
        if samples:
            typical = statistics.median(samples)
            # A single mechanic's mean says nothing of their slow days, so the worst case for
            # one is twice their typical wait; never beyond the window (the fallback then acts).
            spread = _percentile(samples, 0.9) if len(samples) > 1 else 2 * typical
            worst = min(spread, since + window_left)
            basis = "response_history"
        else:
            typical = (since + window_left) / 2
            worst = since + window_left
            basis = "offer_window"
        typical_left = max(0.0, typical - since)
        eta = {
            "typicalSeconds": round(typical_left),
            "worstSeconds": round(max(typical_left, worst - since)),
            "basis": basis,
        }

    exclusive = next((o for o in reversed(offers) if o.kind == Offer.Kind.EXCLUSIVE), None)
    snapshot: dict[str, Any] = {
        "requestId": request.pk,
        "status": request.status,
        "routingType": request.routing_type,
        "stage": request.stage,
        "queuePosition": queue_position(request),
        "waitedSeconds": round((now - request.created_at).total_seconds()) if request.created_at else 0,
        "eta": eta,
        "fallbackDueAt": request.fallback_due_at.isoformat() if request.fallback_due_at else None,
        "offers": {
            "total": len(offers),
            "open": len(open_offers),
            "declined": counts.get(Offer.Status.DECLINED, 0),
            "expired": counts.get(Offer.Status.EXPIRED, 0),
            "withdrawn": counts.get(Offer.Status.WITHDRAWN, 0),
        },
        "exclusiveMechanic": (
            {
                "id": exclusive.mechanic_id,
                "displayName": exclusive.mechanic.display_name,
                "offerStatus": exclusive.status,
                "declineReason": exclusive.decline_reason or None,
            }
            if exclusive
            else None
        ),
        "choices": request_choices(request, offers),
        "assignedMechanic": None,
    }
    assigned = request.assigned_mechanic if request.assigned_mechanic_id else None
    if assigned is not None:
        snapshot["assignedMechanic"] = {"id": assigned.pk, "displayName": assigned.display_name}
    return snapshot


def request_choices(request: SessionRequest, offers: list[Offer] | None = None) -> list[str]:
    """The fallback options the customer has right now."""
    if request.status == SessionRequest.Status.EXPIRED:
        return ["pick_another", "auto_match", "schedule"]
    if request.status != SessionRequest.Status.AWAITING_CHOICE:
        return []
    choices = ["pick_another", "auto_match", "schedule"]
    offers = offers if offers is not None else list(request.offers.select_related("mechanic"))
    exclusive = next(
        (o for o in offers if o.kind == Offer.Kind.EXCLUSIVE and o.mechanic_id == request.selected_mechanic_id), None
    )
    if (
        exclusive is not None
        and exclusive.status == Offer.Status.EXPIRED
        and exclusive.mechanic.is_eligible
        and exclusive.mechanic.is_on_shift
    ):
        choices.insert(0, "wait_longer")
    return choices


def request_alternatives(request: SessionRequest, limit: int = 5) -> list[dict[str, Any]]:
    """Other matches the customer may pick: the routed candidates not yet offered and still
    available."""
    candidates = (request.match_scores or {}).get("candidates", [])
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    ids = [c["mechanicId"] for c in candidates if c.get("mechanicId") not in offered]
    available = {m.pk: m for m in mechanic_available_qs().filter(pk__in=ids)}
    out = []
    for c in candidates:
        mechanic = available.get(c.get("mechanicId"))
        if mechanic is None:
            continue
        out.append(
            {
                "mechanicId": mechanic.pk,
                "displayName": mechanic.display_name,
                "score": c.get("score"),
                "distanceKm": c.get("distanceKm"),
                "reasons": stored_reasons_localised(c.get("reasonCodes", [])),  # in the active language
                "reasonCodes": c.get("reasonCodes", []),
            }
        )
        if len(out) >= limit:
            break
    return out
