"""A sample of every notification kind from a fixed context, for the closing note, the
operators and reviewers of the wording (`manage.py notification_samples`). Each kind needs
its entry here: a test fails for a kind in `Kind` without one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mechmatch.accounts.models import User
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notification_message

_REQUEST = {
    "customer_first_name": "Casey",
    "vehicle": "2018 Honda Civic",
    "concern": "Check engine light after rain",
    "request_id": 42,
}
_MONEY = {"amount_cents": 2999, "currency": "CAD", "vehicle": "2018 Honda Civic", "payment_id": 7}

SAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    Kind.EXCLUSIVE_OFFER: {**_REQUEST, "minutes_left": 5, "offer_id": 9, "path": "/mechanic/offers/#offer-9"},
    Kind.FAVOURITE_REQUEST: {**_REQUEST, "minutes_left": 5, "offer_id": 9, "path": "/mechanic/offers/#offer-9"},
    Kind.WINDOW_EXTENDED: {**_REQUEST, "minutes_left": 5, "offer_id": 9, "path": "/mechanic/offers/#offer-9"},
    Kind.ACCEPTED: {**_REQUEST, "mechanic_name": "Morgan", "path": "/app/sessions/12/"},
    Kind.AWAITING_CHOICE: {**_REQUEST, "mechanic_name": "Morgan", "path": "/app/requests/42/"},
    Kind.BROADCAST: {**_REQUEST, "path": "/app/requests/42/"},
    Kind.RECEIPT: {**_MONEY, "path": "/app/history/#payments"},
    Kind.REFUND: {**_MONEY, "path": "/app/history/#payments"},
    Kind.REFUND_OFFERED: {**_REQUEST, **_MONEY, "path": "/app/requests/42/"},
    Kind.SCHEDULED_SOON: {
        **_REQUEST,
        "starts_at": "2026-12-03T19:00:00+00:00",
        "timezone": "America/Toronto",
        "path": "/schedule/bookings/",
    },
    Kind.SCHEDULED_REMINDER: {
        "vehicle": "2018 Honda Civic",
        "mechanic_name": "Morgan",
        "starts_at": "2026-12-03T19:00:00+00:00",
        "timezone": "America/Toronto",
        "path": "/schedule/bookings/",
    },
    Kind.MECHANIC_AVAILABLE: {
        "vehicle": "2018 Honda Civic",
        "mechanic_name": "Morgan",
        "path": "/app/intake/5/preview/",
    },
}
# Whom each sample is addressed to (the greeting's first name).
_RECIPIENT: dict[str, str] = {
    Kind.EXCLUSIVE_OFFER: "Morgan",
    Kind.FAVOURITE_REQUEST: "Morgan",
    Kind.WINDOW_EXTENDED: "Morgan",
    Kind.SCHEDULED_SOON: "Morgan",
}


@dataclass(frozen=True, slots=True)
class Sample:
    kind: str
    subject: str
    text: str
    html: str


def sample_render(kind: str, language: str = "en") -> Sample:
    """The e-mail `kind` would send to a reader of `language`, built in memory (no rows)."""
    name = _RECIPIENT.get(kind, "Casey")
    user = User(email=f"{name.lower()}@example.com", first_name=name, preferred_language=language)
    message = notification_message(Notification(user=user, kind=kind, context=SAMPLE_CONTEXTS[kind]))
    html = next((str(content) for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    return Sample(kind=kind, subject=str(message.subject), text=str(message.body), html=html)


def samples_render(language: str = "en") -> list[Sample]:
    return [sample_render(kind, language) for kind in Kind.values]
