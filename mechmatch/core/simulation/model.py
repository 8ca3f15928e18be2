"""The simulator's plain data: the dispatch rules it follows, the population it runs over,
and the state of requests and offers while it runs. No Django: the command builds
`DispatchRules` from settings and the matching search policy (their one home)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Routing types, spelled as SessionRequest.RoutingType spells them (the command checks that
# they agree, so a renamed routing type fails loudly instead of silently simulating nothing).
SELECTED = "selected"
PRIORITY_BROADCAST = "priority_broadcast"
SMART_BROADCAST = "smart_broadcast"
BROADCAST = "broadcast"
WORKSHOP_ONLY = "workshop_only"
HYBRID = "hybrid"
POLICIES = (SELECTED, PRIORITY_BROADCAST, SMART_BROADCAST, BROADCAST, WORKSHOP_ONLY, HYBRID)

# Stages, as SessionRequest.Stage spells them; the first stage of each routing type.
EXCLUSIVE, SMART, WIDE, WORKSHOP = "exclusive", "smart", "wide", "workshop"
FIRST_STAGE = {
    SELECTED: EXCLUSIVE,
    PRIORITY_BROADCAST: EXCLUSIVE,
    SMART_BROADCAST: SMART,
    BROADCAST: WIDE,
    WORKSHOP_ONLY: WORKSHOP,
    HYBRID: WORKSHOP,
}


@dataclass(frozen=True, slots=True)
class SearchStep:
    """One widening step of the matching search, as a disk: its radius and area in km."""

    radius_km: float
    area_km2: float


@dataclass(frozen=True, slots=True)
class DispatchRules:
    """Every window, size and search limit dispatch uses. No defaults on purpose: the values
    live in settings.py and matching.selectors.SearchPolicy, and the command (or a test)
    copies them in with mechmatch.dispatch.simulation.dispatch_rules()."""

    offer_window_seconds: int
    fallback_delay_seconds: int
    broadcast_window_seconds: int
    smart_broadcast_size: int
    broadcast_cap: int
    max_open_offers_per_mechanic: int
    new_mechanic_offer_share: float
    search_steps: tuple[SearchStep, ...]
    service_radius_step: int
    enough_candidates: int
    enough_available: int
    enough_beyond_service_radius: int
    max_candidates: int
    remote_closest: int
    initial_match_size: int  # how many candidates request_create ranks and keeps (match_scores)


@dataclass(slots=True)
class Shift:
    start: float  # simulated seconds from the start
    end: float


@dataclass(slots=True)
class SimMechanic:
    """A mechanic as ranking and dispatch see them, plus the behaviour the simulator draws."""

    id: int
    lat: float
    lon: float
    country: str
    area: str = ""
    rating: float = 0.0
    review_count: int = 0
    completed_sessions: int = 0
    avg_response_seconds: float | None = None
    response_sample_count: int = 0
    years_experience: int = 0
    red_seal_certified: bool = False
    red_seal_verified: bool = False
    brands: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    specialist_tier: str = "general"
    profile_completion: int = 0
    approved_at: datetime | None = None
    workshop_id: int | None = None
    shifts: list[Shift] = field(default_factory=list)
    # Behaviour: chance of taking a personal offer, a broadcast offer, of declining one
    # (otherwise the offer is ignored and lapses), and how long an answer takes.
    accept_exclusive: float = 0.8
    accept_broadcast: float = 0.35
    decline: float = 0.15
    response_median_seconds: float = 90.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """One customer request: when, where, for what; the customer's choices are pre-drawn so
    every policy sees the same customers (common random numbers)."""

    key: int  # stable id: the decision hash and the agreement test use it
    at: float  # simulated seconds from the start
    lat: float
    lon: float
    country: str
    area: str
    keywords: tuple[str, ...] = ()
    make: str | None = None
    favourite_id: int | None = None
    selected_id: int | None = None  # None: the customer picks from the preview (see engine)
    pick_roll: float = 0.0  # 0..1: which preview entry the customer picks
    workshop_id: int | None = None
    session_seconds: float = 1200.0


@dataclass(frozen=True, slots=True)
class Decision:
    action: str  # "accept" | "decline" | "ignore"
    delay_seconds: float = 0.0


# Offer statuses, as Offer.Status spells them.
OPEN, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN, SUPERSEDED = (
    "open",
    "accepted",
    "declined",
    "expired",
    "withdrawn",
    "superseded",
)


@dataclass(slots=True)
class SimOffer:
    id: int
    request_key: int
    mechanic_id: int
    kind: str  # "exclusive" | "broadcast"
    offered_at: float
    expires_at: float
    status: str = OPEN
    answer: str = ""  # the mechanic's decision, drawn when the offer is made


# Request statuses, as SessionRequest.Status spells them.
PENDING, AWAITING_CHOICE, BROADCASTING, MATCHED = "pending", "awaiting_choice", "broadcasting", "matched"
COMPLETED, NO_MECHANIC = "completed", "expired"
WAITING = (PENDING, AWAITING_CHOICE, BROADCASTING)


@dataclass(slots=True)
class SimRequest:
    arrival: Arrival
    routing: str
    status: str = PENDING
    stage: str = ""
    selected_id: int | None = None
    offers: list[SimOffer] = field(default_factory=list)
    fallback_due_at: float | None = None
    stages: set[str] = field(default_factory=set)  # every stage that sent offers
    asked_customer: bool = False
    started_at: float | None = None
    mechanic_id: int | None = None
    distance_km: float | None = None
    ended_reason: str = ""

    @property
    def offered(self) -> set[int]:
        return {o.mechanic_id for o in self.offers}

    @property
    def used_fallback(self) -> bool:
        """Reached a stage past its routing's first: the fallback the KPI counts."""
        return any(stage != FIRST_STAGE[self.routing] for stage in self.stages)
