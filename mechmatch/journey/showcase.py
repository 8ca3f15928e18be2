"""What the home page shows a visitor before they have an account: the plans with their
prices, and a sample of mechanics near a city the visitor picks. Cards carry only what
every public profile shows (no private address, no contact details)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mechmatch.journey.selectors import MechanicCard, card_from_match
from mechmatch.matching.services import mechanic_directory_list
from mechmatch.payments.money import amount_display
from mechmatch.payments.plans import PLANS, Plan
from mechmatch.payments.services import CURRENCY_BY_COUNTRY


@dataclass(frozen=True, slots=True)
class SampleCity:
    key: str
    label: str | Promise
    country: str
    city: str
    region: str


# The cities a visitor can sample, a spread across both countries; the first is the default.
SAMPLE_CITIES: tuple[SampleCity, ...] = (
    SampleCity("toronto", _("Toronto, ON"), "CA", "Toronto", "ON"),
    SampleCity("montreal", _("Montréal, QC"), "CA", "Montréal", "QC"),
    SampleCity("vancouver", _("Vancouver, BC"), "CA", "Vancouver", "BC"),
    SampleCity("calgary", _("Calgary, AB"), "CA", "Calgary", "AB"),
    SampleCity("new-york", _("New York, NY"), "US", "New York", "NY"),
    SampleCity("chicago", _("Chicago, IL"), "US", "Chicago", "IL"),
    SampleCity("los-angeles", _("Los Angeles, CA"), "US", "Los Angeles", "CA"),
)
SAMPLE_CITY_BY_KEY = {city.key: city for city in SAMPLE_CITIES}
SAMPLE_SIZE = 6


@dataclass(frozen=True, slots=True)
class PlanOffer:
    plan: Plan
    price: str


def plan_offers(*, country: str, language: str) -> list[PlanOffer]:
    """The plans at their prices in the visitor's currency (from the sampled city's country)."""
    currency = CURRENCY_BY_COUNTRY.get(country, "CAD")
    return [PlanOffer(plan=plan, price=amount_display(plan.amount_cents, currency, language)) for plan in PLANS]


def sample_city(key: str | None) -> SampleCity:
    """The visitor's chosen city; an unknown key falls back to the first, never an error."""
    return SAMPLE_CITY_BY_KEY.get(key or "", SAMPLE_CITIES[0])


def mechanics_near(city: SampleCity, *, limit: int = SAMPLE_SIZE) -> list[MechanicCard]:
    """The best mechanics around the city, the same for every visitor: kept per process for
    SHOWCASE_CACHE_SECONDS (ranking them was most of the home page's 17 ms of CPU, and the
    home page is what a crowd loads most). Who is on shift may lag by that long."""
    key = f"showcase:{city.key}:{limit}:{get_language() or 'en'}"
    cards: list[MechanicCard] | None = caches["local"].get(key)
    if cards is None:
        page = mechanic_directory_list(
            country=city.country, city=city.city, region=city.region, sort="best", page_size=limit
        )
        cards = [card_from_match(match, page.display) for match in page.items]
        caches["local"].set(key, cards, settings.SHOWCASE_CACHE_SECONDS)
    return cards
