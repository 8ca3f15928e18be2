"""The discrete-event loop (plain heapq): arrivals, mechanics' answers, offer windows and
request timers, shifts and sessions. One Engine runs one routing policy over one scenario;
`run_policies` runs several over the same scenario (same customers, same mechanics, same
decisions), which is what makes their figures comparable."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mechmatch.core.ranking import Candidate, ScoringPolicy
from mechmatch.core.simulation import policies
from mechmatch.core.simulation.behaviour import DecideFn, drawn_decision
from mechmatch.core.simulation.candidates import Nearby, distance_between
from mechmatch.core.simulation.model import (
    ACCEPTED,
    BROADCASTING,
    COMPLETED,
    DECLINED,
    EXPIRED,
    MATCHED,
    OPEN,
    PENDING,
    POLICIES,
    SUPERSEDED,
    WAITING,
    WITHDRAWN,
    Arrival,
    DispatchRules,
    SimMechanic,
    SimOffer,
    SimRequest,
)

# Same-instant events run in this order: a session ends and shifts change before anyone
# answers, answers before timers, timers before new arrivals.
_ORDER = {"session_end": 0, "shift_on": 1, "shift_off": 2, "answer": 3, "due": 4, "arrive": 5}
DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; simulated hour 0 is midnight
DRAIN_SECONDS = 4 * 3600  # after the last arrival, at most this long to settle every request


@dataclass
class Scenario:
    mechanics: list[SimMechanic]
    arrivals: list[Arrival]
    hours: float
    seed: int = 0
    start: datetime = DEFAULT_START
    top_pick_share: float = 0.85  # selected routing: share of customers who pick the top match
    meta: dict[str, Any] = field(default_factory=dict)
    nearby: Nearby = field(default_factory=Nearby, repr=False)


class Engine:
    def __init__(
        self,
        scenario: Scenario,
        *,
        routing: str,
        rules: DispatchRules,
        policy: ScoringPolicy,
        decide: DecideFn = drawn_decision,
    ) -> None:
        if routing not in POLICIES:
            raise ValueError(f"unknown routing policy {routing!r}; choose from {', '.join(POLICIES)}")
        self.scenario = scenario
        self.routing = routing
        self.rules = rules
        self.policy = policy
        self.decide = decide
        self.seed = scenario.seed
        self.top_pick_share = scenario.top_pick_share
        self.horizon = scenario.hours * 3600
        # Mechanics are copied: a run changes their response times and session counts.
        self.mechanics: dict[int, SimMechanic] = {
            m.id: SimMechanic(**{k: getattr(m, k) for k in m.__slots__}) for m in scenario.mechanics
        }
        self.nearby = scenario.nearby  # positions never move: shared by every policy's run
        self.now = 0.0
        self.on_shift: set[int] = set()
        self.session_of: dict[int, int] = {}  # mechanic id -> request key
        self.last_seen: dict[int, float] = {}
        self.open_of: dict[int, set[int]] = {}  # mechanic id -> ids of their open offers
        self.busy_seconds: dict[int, float] = dict.fromkeys(self.mechanics, 0.0)
        self.shift_seconds: dict[int, float] = dict.fromkeys(self.mechanics, 0.0)
        self.requests: dict[int, SimRequest] = {}
        self.offers: list[SimOffer] = []
        self.waiting = 0
        self._candidates: dict[int, Candidate] = {}
        self._heap: list[tuple[float, int, int, str, int]] = []
        self._seq = 0
        self.events = 0

    # ------------------------------------------------------------------ state queries

    def clock(self) -> datetime:
        return self.scenario.start + timedelta(seconds=self.now)

    def is_on_shift(self, mechanic_id: int) -> bool:
        return mechanic_id in self.on_shift

    def in_session(self, mechanic_id: int) -> bool:
        return mechanic_id in self.session_of

    def open_offer_count(self, mechanic_id: int) -> int:
        return len(self.open_of.get(mechanic_id, ()))

    def candidate(self, mechanic_id: int) -> Candidate:
        """The ranking's view of a mechanic now, rebuilt only after the mechanic changed."""
        found = self._candidates.get(mechanic_id)
        if found is None:
            m = self.mechanics[mechanic_id]
            seen = self.last_seen.get(mechanic_id)
            found = Candidate(
                id=m.id,
                lat=m.lat,
                lon=m.lon,
                country=m.country,
                is_on_shift=mechanic_id in self.on_shift,
                last_seen_at=self.scenario.start + timedelta(seconds=seen) if seen is not None else None,
                rating=m.rating,
                review_count=m.review_count,
                completed_sessions=m.completed_sessions,
                avg_response_seconds=m.avg_response_seconds,
                years_experience=m.years_experience,
                red_seal_certified=m.red_seal_certified,
                red_seal_verified=m.red_seal_verified,
                brands=m.brands,
                services=m.services,
                specialist_tier=m.specialist_tier,
                profile_completion=m.profile_completion,
                approved_at=m.approved_at,
            )
            self._candidates[mechanic_id] = found
        return found

    # ------------------------------------------------------------------ scheduling

    def _push(self, at: float, kind: str, payload: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (at, _ORDER[kind], self._seq, kind, payload))

    def set_due(self, request: SimRequest, at: float) -> None:
        if request.fallback_due_at != at:
            request.fallback_due_at = at
            self._push(at, "due", request.arrival.key)

    # ------------------------------------------------------------------ writes

    def offer(self, request: SimRequest, mechanic_id: int, *, kind: str, window: int) -> SimOffer:
        offer = SimOffer(
            id=len(self.offers),
            request_key=request.arrival.key,
            mechanic_id=mechanic_id,
            kind=kind,
            offered_at=self.now,
            expires_at=self.now + window,
        )
        self.offers.append(offer)
        request.offers.append(offer)
        self.open_of.setdefault(mechanic_id, set()).add(offer.id)
        decision = self.decide(self.mechanics[mechanic_id], request.arrival.key, kind, self.seed)
        offer.answer = decision.action
        if decision.action != "ignore" and decision.delay_seconds < window:
            self._push(self.now + decision.delay_seconds, "answer", offer.id)
        return offer

    def _close(self, offer: SimOffer, status: str) -> None:
        offer.status = status
        self.open_of[offer.mechanic_id].discard(offer.id)

    def _fold(self, mechanic_id: int, samples: list[float]) -> None:
        """common._fold_response_times: a running mean over every sample."""
        m = self.mechanics[mechanic_id]
        total, k = sum(samples), len(samples)
        mean = m.avg_response_seconds if m.avg_response_seconds is not None else total / k
        m.avg_response_seconds = (mean * m.response_sample_count + total) / (m.response_sample_count + k)
        m.response_sample_count += k
        self._candidates.pop(mechanic_id, None)

    def expire_due_offers(self, request: SimRequest) -> None:
        for offer in request.offers:
            if offer.status == OPEN and offer.expires_at <= self.now:
                self._close(offer, EXPIRED)
                if offer.kind == "exclusive":  # a lapsed personal offer counts at the window's length
                    self._fold(offer.mechanic_id, [offer.expires_at - offer.offered_at])

    def settled(self, request: SimRequest) -> None:
        self.waiting -= 1

    # ------------------------------------------------------------------ events

    def _answer(self, offer: SimOffer) -> None:
        request = self.requests[offer.request_key]
        if offer.status != OPEN or offer.expires_at <= self.now:
            return
        if offer.answer == "decline":
            # Simulated declines carry a reason ("busy"), so they do not feed the response time.
            self._close(offer, DECLINED)
            policies.advance(self, request)
            return
        if self.in_session(offer.mechanic_id) or request.status not in (PENDING, BROADCASTING):
            return  # offer_accept refuses: the offer stays open and lapses
        self._close(offer, ACCEPTED)
        request.status = MATCHED
        request.started_at = self.now
        request.mechanic_id = offer.mechanic_id
        request.distance_km = distance_between(self, request, offer.mechanic_id)
        request.fallback_due_at = None
        for other in request.offers:
            if other.status == OPEN:
                self._close(other, SUPERSEDED)
        self._fold(offer.mechanic_id, [self.now - offer.offered_at])
        self.session_of[offer.mechanic_id] = offer.request_key
        self._push(self.now + request.arrival.session_seconds, "session_end", offer.mechanic_id)
        self.waiting -= 1

    def _session_end(self, mechanic_id: int) -> None:
        key = self.session_of.pop(mechanic_id)
        request = self.requests[key]
        request.status = COMPLETED
        assert request.started_at is not None
        start, end = min(request.started_at, self.horizon), min(self.now, self.horizon)
        self.busy_seconds[mechanic_id] += max(0.0, end - start)
        self.mechanics[mechanic_id].completed_sessions += 1
        self._candidates.pop(mechanic_id, None)

    def _shift(self, mechanic_id: int, online: bool) -> None:
        if online == (mechanic_id in self.on_shift):
            return
        self.last_seen[mechanic_id] = self.now
        self._candidates.pop(mechanic_id, None)
        if online:
            self.on_shift.add(mechanic_id)
            return
        self.on_shift.discard(mechanic_id)
        # Going off shift withdraws the mechanic's open offers; each request moves on at once.
        for offer in [self.offers[i] for i in sorted(self.open_of.get(mechanic_id, ()))]:
            if offer.status != OPEN:
                continue
            self._close(offer, WITHDRAWN)
            policies.advance(self, self.requests[offer.request_key])

    def _due(self, key: int) -> None:
        request = self.requests[key]
        if request.status in WAITING and request.fallback_due_at is not None and request.fallback_due_at <= self.now:
            policies.advance(self, request)

    def _arrive(self, arrival: Arrival) -> None:
        request = SimRequest(arrival=arrival, routing=self.routing)
        self.requests[arrival.key] = request
        self.waiting += 1
        policies.route_initial(self, request)

    # ------------------------------------------------------------------ run

    def run(self) -> Engine:
        arrivals = {a.key: a for a in self.scenario.arrivals}
        for m in self.mechanics.values():
            for shift in m.shifts:
                start, end = max(0.0, shift.start), min(self.horizon, shift.end)
                if end > start:
                    self.shift_seconds[m.id] += end - start
                self._push(shift.start, "shift_on", m.id)
                self._push(shift.end, "shift_off", m.id)
        for a in arrivals.values():
            self._push(a.at, "arrive", a.key)
        last = max((a.at for a in arrivals.values()), default=0.0)
        while self._heap:
            at, _, _, kind, payload = heapq.heappop(self._heap)
            if at > last and self.waiting == 0 and not self.session_of:
                break
            if at > last + DRAIN_SECONDS:
                break
            self.now = max(self.now, at)
            self.events += 1
            if kind == "arrive":
                self._arrive(arrivals[payload])
            elif kind == "answer":
                self._answer(self.offers[payload])
            elif kind == "due":
                self._due(payload)
            elif kind == "session_end":
                self._session_end(payload)
            else:
                self._shift(payload, kind == "shift_on")
        return self


def run_policies(
    scenario: Scenario,
    routings: Iterable[str],
    *,
    rules: DispatchRules,
    policy: ScoringPolicy,
    decide: DecideFn = drawn_decision,
) -> dict[str, Engine]:
    return {r: Engine(scenario, routing=r, rules=rules, policy=policy, decide=decide).run() for r in routings}
