"""The French walk: a world where every page has something to show, the pages each role
can see, and the rule that finds catalogue English left on a French page. The fast test
(Django's client) and the browser test share it, so both check the same pages by the same rule.

The rule, kept small on purpose: a catalogue entry counts when its French differs from its
English; its English is cut at the placeholders ("%(name)s", "{{ x }}") and markup, and each
piece of at least two words and four characters must not appear on the page, case and
spacing as written. Single words ("Open", "Total") and short pieces are too ambiguous next
to names, brands and what people type; the targeted tests cover the single-word labels.
SAMPLES lists the few entries that are sample data rather than our wording."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.funnel.testing import make_consultation, make_offer, make_request_at
from mechmatch.journey.models import Intake
from mechmatch.mechanics.models import Mechanic
from mechmatch.notifications.models import Kind
from mechmatch.notifications.services import notification_enqueue
from mechmatch.payments.models import Payment
from mechmatch.scheduling.selectors import mechanic_free_slots
from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.testing import make_customer, make_mechanic, make_user

PO_FILE = Path(settings.BASE_DIR) / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"
MIN_WORDS = 2
MIN_CHARS = 4
# Sample values in the catalogue (a field's placeholder) that real data on a page also shows.
SAMPLES = frozenset({"Toronto, ON"})
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{\{.*?\}\}|\{[a-z_]*\}|<[^>]*>")


def _po_entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file; plural entries give their singular pair."""
    entries: list[tuple[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in current:
                entries.append((current["msgid"], current.get("msgstr", current.get("msgstr[0]", ""))))
            current, key = ({}, "") if not line else (current, key)
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    return [(msgid, msgstr) for msgid, msgstr in entries if msgid]


@cache
def catalogue_phrases() -> frozenset[str]:
    """The English pieces that must not appear on a French page (the rule above)."""
    phrases = set()
    for msgid, msgstr in _po_entries(PO_FILE.read_text(encoding="utf-8")):
        if not msgstr or msgstr == msgid or msgid in SAMPLES:
            continue
        for piece in _PLACEHOLDER.split(msgid):
            piece = " ".join(piece.split()).strip(" .,;:()·—–-")
            if len(piece.split()) >= MIN_WORDS and len(piece) >= MIN_CHARS and piece not in msgstr:
                phrases.add(piece)
    return frozenset(phrases)


def untranslated(text: str) -> list[str]:
    """The catalogue's English pieces found in `text` (a page's visible text)."""
    flat = " ".join(text.split())
    return sorted(p for p in catalogue_phrases() if p in flat)


class _VisibleText(HTMLParser):
    """Text a reader meets: text nodes outside script/style, plus the attributes shown or
    read aloud (placeholder, title, alt, aria-label, button values)."""

    SHOWN = ("placeholder", "title", "alt", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        values = dict(attrs)
        self.parts += [values[a] or "" for a in self.SHOWN if a in values]
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


@dataclass
class World:
    """Who signs in, and the pages each of them can see."""

    customer: User
    mechanic: User
    live_mechanic: User
    operator: User
    pages: dict[str, list[str]]  # role -> paths

    def person(self, role: str) -> User:
        """Who signs in for a role of `pages`."""
        return {
            "customer": self.customer,
            "mechanic": self.mechanic,
            "live_mechanic": self.live_mechanic,
            "operator": self.operator,
        }[role]


def seed_world() -> World:
    """A customer with a draft to preview, one to pay, a request waiting on a mechanic, a
    live session, a finished one with a declined offer in its history, a booking and
    notifications; two mechanics (one with the open offer and history, one in the live
    session) and an operator. User text is French so English on the page is ours."""
    now = timezone.now()
    customer = make_customer(email="camille.walk@example.test", first_name="Camille").user
    customer.preferred_language = "fr-ca"
    customer.save(update_fields=["preferred_language"])
    morgan = make_mechanic(display_name="Morgan Tremblay", email="morgan.walk@example.test", brands=["Honda"])
    live = make_mechanic(display_name="Élise Gagnon", email="elise.walk@example.test")
    operator = make_user(role=User.Role.OPERATOR, email="ops.walk@example.test")
    concern = "Les freins grincent aux feux rouges"
    draft = dict(year="2018", make="Honda", model="Civic", concern=concern, country="CA", postal_code="M5V 2T6")

    to_preview = Intake.objects.create(user=customer, status=Intake.Status.READY, city="Toronto", **draft)
    to_plan = Intake.objects.create(
        user=customer,
        status=Intake.Status.READY,
        routing=Intake.Routing.SELECTED,
        chosen_mechanic=morgan,
        source=Intake.Source.TOP_MATCH,
        **draft,
    )
    to_pay = Intake.objects.create(
        user=customer,
        status=Intake.Status.READY,
        routing=Intake.Routing.SELECTED,
        chosen_mechanic=morgan,
        plan_code="standard",
        **draft,
    )
    checkout = Payment.objects.create(
        user=customer,
        reference=to_pay.reference,
        plan_code="standard",
        amount_cents=2999,
        currency="CAD",
        provider="test",
        status=Payment.Status.PENDING,
        return_path=f"/app/intake/{to_pay.pk}/waiver/",
    )

    waiting = make_request_at(customer, now, status=SessionRequest.Status.PENDING)
    SessionRequest.objects.filter(pk=waiting.pk).update(concern=concern)
    make_offer(waiting, morgan, status=Offer.Status.OPEN, offered_at=now)

    in_session = make_request_at(customer, now, status=SessionRequest.Status.MATCHED)
    active = make_consultation(in_session, live, started_at=now - timedelta(minutes=3))

    done = make_request_at(customer, now - timedelta(days=2), status=SessionRequest.Status.COMPLETED)
    ended = make_consultation(done, morgan, started_at=now - timedelta(days=2), ended_at=now - timedelta(days=2))
    Payment.objects.create(
        user=customer,
        reference=f"walk:{done.pk}",
        session_request=done,
        plan_code="standard",
        amount_cents=2999,
        currency="CAD",
        provider="test",
        status=Payment.Status.PAID,
        paid_at=now - timedelta(days=2),
    )
    declined = make_request_at(customer, now - timedelta(days=3), status=SessionRequest.Status.CANCELLED)
    make_offer(
        declined,
        morgan,
        status=Offer.Status.DECLINED,
        offered_at=now - timedelta(days=3),
        response_seconds=40,
        decline_reason=Offer.DeclineReason.TOO_FAR,
    )

    make_week(morgan)
    make_booking(customer, morgan, _next_slot(morgan), now=now, concern=concern)
    notification_enqueue(
        user=customer,
        kind=Kind.RECEIPT,
        context={"amount_cents": 2999, "currency": "CAD", "vehicle": "Honda Civic 2018", "path": "/app/history/"},
        dedupe_key="walk:receipt",
    )
    notification_enqueue(
        user=morgan.user,
        kind=Kind.SCHEDULED_SOON,
        context={
            "customer_first_name": "Camille",
            "vehicle": "Honda Civic 2018",
            "concern": concern,
            "starts_at": (now + timedelta(days=1)).isoformat(),
            "timezone": "America/Toronto",
            "path": "/schedule/bookings/",
        },
        dedupe_key="walk:soon",
    )
    assert Consultation.objects.filter(pk=active.pk, status=Consultation.Status.ACTIVE).exists()

    shared = ["/", "/notifications/", "/notifications/preferences/", "/schedule/bookings/", "/no-such-page/"]
    return World(
        customer=customer,
        mechanic=morgan.user,
        live_mechanic=live.user,
        operator=operator,
        pages={
            "customer": [
                *shared,
                "/app/",
                "/app/intake/",
                f"/app/intake/{to_preview.pk}/",
                f"/app/intake/{to_preview.pk}/preview/",
                f"/app/intake/{to_plan.pk}/plan/",
                f"/app/intake/{to_pay.pk}/waiver/",
                f"/payments/test/{checkout.pk}/",
                "/app/mechanics/",
                f"/app/mechanics/{morgan.pk}/",
                f"/app/requests/{waiting.pk}/",
                f"/app/sessions/{active.pk}/",
                f"/app/sessions/{ended.pk}/complete/",
                "/app/history/",
                f"/schedule/intake/{to_plan.pk}/",
            ],
            "mechanic": [
                *shared,
                "/mechanic/profile/",
                "/mechanic/offers/",
                "/mechanic/session/",
                "/mechanic/history/",
                "/schedule/availability/",
            ],
            "live_mechanic": ["/mechanic/session/"],
            "operator": ["/", "/operators/kpis/?preset=7", "/no-such-page/"],
        },
    )


def _next_slot(mechanic: Mechanic) -> datetime:
    later = timezone.now() + timedelta(hours=30)
    return next(s for s in mechanic_free_slots(mechanic, plan_code="standard") if s >= later)
