"""The simulator against the real dispatcher: the same small city (20 mechanics, 60
requests, 15 per routing type) goes through dispatch's services and its tick on an injected
clock, and through mechmatch/core/simulation, with every mechanic's answer decided by the
same hash of (mechanic, request). They must agree on the fallback rate and on offers per
request.

Tolerance, and why: the two share the ranking, the rules and the decisions; what the
simulator models instead of running is the candidate search (disks of the same area as the
H3 cells) and the clock (the real ranking reads the wall clock; here every mechanic is on
shift and none is new, so the clock changes no score). With every mechanic inside the
service radius both consider all 20, so they should agree exactly; we allow one request's
difference per routing type in the fallback rate (1/15) and 5% in offers per request, so a
tie broken differently by an equal score cannot fail the test, while a routing rule that
differs (a missing fallback step, a wrong window, a smart broadcast of the wrong size) moves
the figures far more than that.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mechmatch.core.brands import normalize_brand
from mechmatch.core.concerns import analyse_concern
from mechmatch.core.simulation import Engine, Scenario
from mechmatch.core.simulation.behaviour import hashed, hashed_decision, stable_unit
from mechmatch.core.simulation.model import FIRST_STAGE, Arrival
from mechmatch.core.simulation.report import summarise
from mechmatch.customers.models import Favourite
from mechmatch.dispatch import services
from mechmatch.dispatch.models import Consultation, Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.simulation import dispatch_rules, mechanics_from_db, policy_with_overrides
from mechmatch.dispatch.tests.factories import CONCERN
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db(transaction=False)

CODES = ["M1B 1M9", "M1J 2N5", "M2L 2A5", "M3A 1V8", "M3K 1K2", "M4B 2X9", "M4J 1Z7", "M4P 1V4", "M4W 1R4",
         "M5C 2X4", "M5K 1P2", "M5R 1R8", "M5V 2T6", "M6G 3B5", "M6M 4A8", "M7A 1N8", "M8X 2J6", "M9C 3N5",
         "M9R 0A7", "M1P 0C1"]  # fmt: skip
ROUTINGS = ("selected", "priority_broadcast", "smart_broadcast", "broadcast")
PER_ROUTING = 15
SPACING = 3600.0  # one request an hour: each is settled and its session over before the next
SESSION_SECONDS = 1200.0
SALT = "agreement"


def _mechanics() -> list[int]:
    ids = []
    for i, code in enumerate(CODES):
        unit = stable_unit(SALT, "mechanic", i)
        mechanic = make_mechanic(
            postal_code=code,
            rating=round(3.8 + 1.2 * unit, 2),
            reviews=5 + int(200 * stable_unit(SALT, "reviews", i)),
            years_experience=1 + int(25 * stable_unit(SALT, "years", i)),
            avg_response_seconds=30 + round(400 * stable_unit(SALT, "response", i)),
            services=["electrical", "engine_diagnostics"][: 1 + i % 2] if i % 3 else ["brakes"],
            brands=["Honda"] if i % 4 == 0 else None,
        )
        ids.append(mechanic.pk)
    return ids


def _chosen(mechanic_ids: list[int], key: int) -> int:
    return mechanic_ids[int(stable_unit(SALT, "chosen", key) * len(mechanic_ids))]


def _drive(request: SessionRequest, key: int) -> None:
    """The accelerated clock: jump to whichever comes first, a mechanic's (hashed) answer to
    an open offer or the request's timer, until the request is settled."""
    answered: set[int] = set()
    for _ in range(200):
        request.refresh_from_db()
        if request.status not in SessionRequest.WAITING_STATUSES:
            return
        answers = []
        for offer in Offer.objects.filter(request=request, status=Offer.Status.OPEN).select_related("mechanic"):
            decision = hashed_decision(offer.mechanic_id, key, salt=SALT)
            at = offer.offered_at + timedelta(seconds=decision.delay_seconds)
            if offer.pk not in answered and decision.action != "ignore" and at < offer.expires_at:
                answers.append((at, offer.pk, offer, decision.action))
        due = request.fallback_due_at
        if answers and (due is None or min(answers)[0] <= due):
            at, _, offer, action = min(answers)
            answered.add(offer.pk)
            if action == "accept":
                services.offer_accept(mechanic=offer.mechanic, offer_id=offer.pk, now=at)
            else:
                services.offer_decline(mechanic=offer.mechanic, offer_id=offer.pk, reason="busy", now=at)
            continue
        assert due is not None, f"request {key} waits with no timer"
        services.dispatch_tick(now=due)
    raise AssertionError(f"request {key} never settled")


def _real_figures(requests: list[SessionRequest]) -> dict[str, float]:
    ids = [r.pk for r in requests]
    fallbacks = 0
    for request in requests:
        stages = set(
            RequestEvent.objects.filter(request=request, kind="broadcast").values_list("data__stage", flat=True)
        )
        if Offer.objects.filter(request=request, kind=Offer.Kind.EXCLUSIVE).exists():
            stages.add("exclusive")
        fallbacks += any(stage != FIRST_STAGE[request.routing_type] for stage in stages)
    return {
        "fallback_rate": fallbacks / len(requests),
        "offers_per_request": Offer.objects.filter(request_id__in=ids).count() / len(requests),
    }


def test_the_simulator_and_the_real_dispatcher_agree_on_fallbacks_and_offers(windows):
    mechanic_ids = _mechanics()
    hours = PER_ROUTING * len(ROUTINGS) * SPACING / 3600
    # The simulator starts from the mechanics as they are before the real run (which moves
    # their response times and session counts; the simulator moves them the same way).
    sim_mechanics = mechanics_from_db(mechanic_ids, hours=hours)
    assert len(sim_mechanics) == len(CODES)
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=1)
    real: dict[str, list[SessionRequest]] = {r: [] for r in ROUTINGS}
    arrivals: dict[str, list[Arrival]] = {r: [] for r in ROUTINGS}
    for index in range(PER_ROUTING * len(ROUTINGS)):
        key = index + 1
        routing = ROUTINGS[index % len(ROUTINGS)]
        at = start + timedelta(seconds=index * SPACING)
        profile = make_customer(postal_code=CODES[(index * 7) % len(CODES)])
        chosen = _chosen(mechanic_ids, key)
        if routing == "priority_broadcast":
            Favourite.objects.create(customer=profile, mechanic_id=chosen)
        request, _ = services.request_create(
            user=profile.user,
            concern=CONCERN,
            vehicle={"make": "Honda", "model": "Civic", "year": 2018},
            routing_type=routing,
            country="CA",
            postal_code=profile.postal_code,
            selected_mechanic_id=chosen if routing == "selected" else None,
            now=at,
        )
        _drive(request, key)
        consultation = Consultation.objects.filter(request=request).first()
        if consultation is not None:
            services.consultation_end(
                user=profile.user, consultation_id=consultation.pk, now=at + timedelta(seconds=SESSION_SECONDS)
            )
        request.refresh_from_db()
        assert request.latitude is not None and request.longitude is not None
        real[routing].append(request)
        arrivals[routing].append(
            Arrival(
                key=key,
                at=index * SPACING,
                lat=request.latitude,
                lon=request.longitude,
                country=request.country,
                area=request.postal_code[:3],
                keywords=tuple(analyse_concern(request.concern).keywords),
                make=normalize_brand(request.vehicle_make),
                favourite_id=chosen if routing == "priority_broadcast" else None,
                selected_id=chosen if routing == "selected" else None,
                session_seconds=SESSION_SECONDS,
            )
        )

    compared = {}
    for routing in ROUTINGS:
        scenario = Scenario(mechanics=sim_mechanics, arrivals=arrivals[routing], hours=hours, start=start)
        engine = Engine(
            scenario, routing=routing, rules=dispatch_rules(), policy=policy_with_overrides([]), decide=hashed(SALT)
        ).run()
        simulated = summarise(engine, resamples=0)
        actual = _real_figures(real[routing])
        compared[routing] = (simulated["fallback_rate"], actual["fallback_rate"],
                             simulated["offers_per_request"], actual["offers_per_request"])  # fmt: skip
    print("routing: (sim fallback, real fallback, sim offers/request, real offers/request)", compared)
    for routing, (sim_fallback, real_fallback, sim_offers, real_offers) in compared.items():
        assert abs(sim_fallback - real_fallback) <= 1 / PER_ROUTING + 1e-9, (routing, compared)
        assert abs(sim_offers - real_offers) <= 0.05 * real_offers + 1e-9, (routing, compared)
    # The scenario exercises the fallbacks at all (else agreeing on them would prove little).
    assert any(c[1] > 0 for c in compared.values()), compared
