"""Who gets what from every endpoint and page that names an object in its path: the owner,
another customer, an unrelated mechanic, the mechanic the request was offered to, and
anonymous. Outsiders get 404, so ids reveal nothing. The list of routes is read from the
OpenAPI document and the URL resolver: a new object route without a row here fails
`test_every_object_route_has_a_row`."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from mechmatch.accounts.services import token_create
from mechmatch.customers.services import favourite_add, vehicle_add
from mechmatch.dispatch.models import Offer
from mechmatch.dispatch.services import offer_accept
from mechmatch.journey.services import chat_photo_send, intake_current, intake_photo_add
from mechmatch.journey.tests.conftest import book, photo_upload
from mechmatch.notifications.services import notification_enqueue
from mechmatch.payments.models import Payment
from mechmatch.payments.services import payment_start
from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.scheduling.tests.conftest import slot_after
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db

ROLES = ("owner", "other_customer", "unrelated_mechanic", "offered_mechanic", "anonymous")
# Anonymous callers: the API answers 401, pages send to sign-in.
SIGN_IN = 302

# (method, route) -> (path with {object} placeholders, status per role in ROLES order)
MATRIX: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {
    ("get", "/api/mechanics/{mechanic_id}/profile"): ("/api/mechanics/{mechanic}/profile", (200, 200, 200, 200, 200)),
    ("get", "/api/session-requests/{request_id}"): ("/api/session-requests/{request}", (200, 404, 404, 200, 401)),
    ("post", "/api/session-requests/{request_id}/choice"): (
        "/api/session-requests/{request}/choice",
        (409, 404, 404, 404, 401),
    ),
    ("post", "/api/session-requests/{request_id}/cancel"): (
        "/api/session-requests/{request}/cancel",
        (409, 404, 404, 404, 401),
    ),
    ("post", "/api/mechanic/offers/{offer_id}/accept"): (
        "/api/mechanic/offers/{offer}/accept",
        (404, 404, 404, 409, 401),
    ),
    ("post", "/api/mechanic/offers/{offer_id}/decline"): (
        "/api/mechanic/offers/{offer}/decline",
        (404, 404, 404, 409, 401),
    ),
    ("post", "/api/consultations/{consultation_id}/end"): (
        "/api/consultations/{consultation}/end",
        (200, 404, 404, 200, 401),
    ),
    ("post", "/api/consultations/{consultation_id}/signals"): (
        "/api/consultations/{consultation}/signals",
        (202, 404, 404, 202, 401),
    ),
    ("delete", "/api/auth/tokens/{token_id}"): ("/api/auth/tokens/{token}", (200, 404, 404, 404, 401)),
    ("get", "/api/checkouts/{payment_id}"): ("/api/checkouts/{payment}", (200, 404, 404, 404, 401)),
    ("post", "/api/checkouts/{payment_id}/settle"): ("/api/checkouts/{test_payment}/settle", (200, 404, 404, 404, 401)),
    ("delete", "/api/favourites/{mechanic_id}"): ("/api/favourites/{mechanic}", (200, 404, 404, 404, 401)),
    ("patch", "/api/vehicles/{vehicle_id}"): ("/api/vehicles/{vehicle}", (200, 404, 404, 404, 401)),
    ("delete", "/api/vehicles/{vehicle_id}"): ("/api/vehicles/{vehicle}", (200, 404, 404, 404, 401)),
    ("post", "/api/intakes/{intake_id}/photos"): ("/api/intakes/{intake}/photos", (201, 404, 404, 404, 401)),
    ("delete", "/api/intakes/{intake_id}/photos/{photo_id}"): (
        "/api/intakes/{intake}/photos/{photo}",
        (200, 404, 404, 404, 401),
    ),
    ("post", "/api/history/{consultation_id}/rebook"): (
        "/api/history/{consultation}/rebook",
        (201, 404, 404, 404, 401),
    ),
    # The session is still on: its customer may not rate it yet (400); nobody else may at all.
    ("post", "/api/consultations/{consultation_id}/rating"): (
        "/api/consultations/{consultation}/rating",
        (400, 404, 404, 404, 401),
    ),
    ("get", "/api/consultations/{consultation_id}/messages"): (
        "/api/consultations/{consultation}/messages",
        (200, 404, 404, 200, 401),
    ),
    ("post", "/api/consultations/{consultation_id}/messages"): (
        "/api/consultations/{consultation}/messages",
        (201, 404, 404, 201, 401),
    ),
    ("post", "/api/notifications/{notification_id}/read"): (
        "/api/notifications/{notification}/read",
        (200, 404, 404, 404, 401),
    ),
    # The booked mechanic (here the offered one) sees the booking; only the customer changes it.
    ("get", "/api/bookings/{booking_id}"): ("/api/bookings/{booking}", (200, 404, 404, 200, 401)),
    ("post", "/api/bookings/{booking_id}/reschedule"): (
        "/api/bookings/{booking}/reschedule",
        (400, 404, 404, 404, 401),
    ),
    ("post", "/api/bookings/{booking_id}/cancel"): ("/api/bookings/{booking}/cancel", (200, 404, 404, 404, 401)),
    ("get", "/api/mechanics/{mechanic_id}/slots"): ("/api/mechanics/{mechanic}/slots", (200, 200, 200, 200, 401)),
}


# Pages: (route) -> (method, the object its first parameter names, status per role). A page
# action answers with a redirect (302) where it shows its outcome on another page; anonymous
# callers are sent to sign-in (302).
PAGES: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "app/history/<int:pk>/rebook/": ("post", "consultation", (302, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/": ("get", "intake", (200, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/auto/": ("post", "intake", (302, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/choose/": ("post", "intake", (404, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/contact/": ("post", "intake", (200, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/photos/<int:photo_id>/delete/": ("post", "intake", (302, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/plan/": ("get", "intake", (302, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/preview/": ("get", "intake", (302, 404, 404, 404, SIGN_IN)),
    "app/intake/<int:pk>/waiver/": ("get", "intake", (302, 404, 404, 404, SIGN_IN)),
    # A mechanic's public profile is open to everyone, visitors too; acting on it needs an account.
    "app/mechanics/<int:mechanic_id>/": ("get", "mechanic", (200, 200, 200, 200, 200)),
    "app/mechanics/<int:mechanic_id>/choose/": ("post", "mechanic", (302, 302, 302, 302, SIGN_IN)),
    "app/mechanics/<int:mechanic_id>/favourite/": ("post", "mechanic", (302, 302, 302, 302, SIGN_IN)),
    "app/photos/<int:photo_id>/": ("get", "photo", (200, 404, 404, 404, SIGN_IN)),
    "app/requests/<int:pk>/": ("get", "request", (302, 404, 404, 404, SIGN_IN)),
    "app/requests/<int:pk>/cancel/": ("post", "request", (302, 404, 404, 404, SIGN_IN)),
    "app/requests/<int:pk>/choice/": ("post", "request", (302, 404, 404, 404, SIGN_IN)),
    "app/requests/<int:pk>/message/": ("post", "request", (302, 404, 404, 404, SIGN_IN)),
    "app/requests/<int:pk>/live/": ("get", "request", (200, 404, 404, 404, SIGN_IN)),
    "app/sessions/<int:pk>/": ("get", "consultation", (200, 404, 404, 200, SIGN_IN)),
    "app/sessions/<int:pk>/complete/": ("get", "consultation", (302, 404, 404, 404, SIGN_IN)),
    "app/sessions/<int:pk>/end/": ("post", "consultation", (302, 404, 404, 302, SIGN_IN)),
    "app/sessions/<int:pk>/favourite/": ("post", "consultation", (302, 404, 404, 404, SIGN_IN)),
    "app/sessions/<int:pk>/messages/": ("get", "consultation", (200, 404, 404, 200, SIGN_IN)),
    "app/sessions/<int:pk>/satisfaction/": ("post", "consultation", (302, 404, 404, 404, SIGN_IN)),
    "app/sessions/<int:pk>/extend/": ("post", "consultation", (302, 404, 404, 404, SIGN_IN)),
    "app/sessions/<int:pk>/notes/": ("post", "consultation", (404, 404, 404, 302, SIGN_IN)),
    "app/sessions/<int:pk>/photos/": ("post", "consultation", (302, 404, 404, 302, SIGN_IN)),
    "app/sessions/<int:pk>/photos/<int:message_id>/": ("get", "consultation", (200, 404, 404, 200, SIGN_IN)),
    "app/sessions/<int:pk>/report.txt": ("get", "consultation", (200, 404, 404, 200, SIGN_IN)),
    "mechanic/offers/<int:offer_id>/accept/": ("post", "offer", (404, 404, 404, 302, SIGN_IN)),
    "mechanic/offers/<int:offer_id>/decline/": ("post", "offer", (404, 404, 404, 302, SIGN_IN)),
    "mechanic/session/<int:consultation_id>/end/": ("post", "consultation", (404, 404, 404, 302, SIGN_IN)),
    "payments/return/<int:pk>/": ("get", "payment", (302, 404, 404, 404, SIGN_IN)),
    "payments/test/<int:pk>/": ("get", "payment", (302, 404, 404, 404, SIGN_IN)),
    # Only the customer changes a booking; the booked mechanic sees it on their schedule page.
    "schedule/bookings/<int:pk>/cancel/": ("get", "booking", (200, 404, 404, 404, SIGN_IN)),
    "schedule/bookings/<int:pk>/reschedule/": ("get", "booking", (200, 404, 404, 404, SIGN_IN)),
    "schedule/intake/<int:pk>/": ("get", "intake", (302, 404, 404, 404, SIGN_IN)),
    "schedule/intake/<int:pk>/confirm/": ("get", "intake", (302, 404, 404, 404, SIGN_IN)),
}
# Public files named by a random file name, not an object id of anyone's.
PUBLIC_PAGES = {"media/mechanics/<str:filename>"}


# A valid body where the route needs one, so the answer is about who asks, not what.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    # A time in the past: the owner is told why (400); outsiders never get that far (404).
    ("post", "/api/bookings/{booking_id}/reschedule"): {"startsAt": "2020-01-06T14:00:00Z"},
    ("post", "/api/session-requests/{request_id}/choice"): {"choice": "wait_longer"},
    ("post", "/api/checkouts/{payment_id}/settle"): {"outcome": "pay"},
    ("post", "/api/consultations/{consultation_id}/rating"): {"rating": 5},
    ("post", "/api/consultations/{consultation_id}/messages"): {"body": "Hello"},
    ("post", "/api/consultations/{consultation_id}/signals"): {"kind": "hello", "peer": "matrix"},
}
# Routes whose body is a multipart form (a fresh file each time: an upload is read once).
MULTIPART: dict[tuple[str, str], Any] = {
    ("post", "/api/intakes/{intake_id}/photos"): lambda: {"photo": photo_upload()},
}


def _api_routes() -> set[tuple[str, str]]:
    from mechmatch.api import api

    paths = api.get_openapi_schema()["paths"]
    return {(method, path) for path, operations in paths.items() if "{" in path for method in operations}


def _page_routes(patterns: list[Any] | None = None, prefix: str = "") -> set[str]:
    routes: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            routes |= _page_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" in route and not route.startswith(("api/", "admin/")):
                routes.add(route)
    return routes


@pytest.fixture
def world(customer, settings, tmp_path) -> dict[str, Any]:
    """A customer's accepted session with the offered mechanic, their free payment, and a new
    intake with a photo; plus the people looking at them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    offered = make_mechanic(display_name="Morgan Lee", postal_code="M5V 2T6", brands=["Honda"])
    request = book(customer, offered)
    offer = Offer.objects.get(request=request, mechanic=offered)
    consultation = offer_accept(mechanic=offered, offer_id=offer.pk)
    intake = intake_current(user=customer.user)
    photo = intake_photo_add(intake=intake, upload=photo_upload())
    chat_photo = chat_photo_send(user=customer.user, consultation_id=consultation.pk, upload=photo_upload())
    token, _ = token_create(user=customer.user, name="the owner's phone")
    payment = Payment.objects.get(user=customer.user)
    favourite_add(customer=customer, mechanic=offered)
    test_payment, _ = payment_start(
        user=customer.user, reference="matrix", plan_code="standard", return_path="/", cancel_path="/"
    )
    vehicle = vehicle_add(customer=customer, year=2015, make="Mazda", model="3")
    notification = notification_enqueue(user=customer.user, kind="accepted", context={}, dedupe_key="matrix")
    make_week(offered)
    booking = make_booking(customer.user, offered, slot_after(offered, hours=30), now=timezone.now())
    return {
        "ids": {
            "mechanic": offered.pk,
            "request": request.pk,
            "offer": offer.pk,
            "consultation": consultation.pk,
            "payment": payment.pk,
            "intake": intake.pk,
            "photo": photo.pk,
            "chat_photo": chat_photo.pk,
            "token": token.pk,
            "vehicle": vehicle.pk,
            "test_payment": test_payment.pk,
            "notification": notification.pk if notification else 0,
            "booking": booking.pk,
        },
        "users": {
            "owner": customer.user,
            "other_customer": None,
            "unrelated_mechanic": make_mechanic(display_name="Pat Far", postal_code="V6B 1A1").user,
            "offered_mechanic": offered.user,
            "anonymous": None,
        },
    }


def _api_client(user: Any) -> Client:
    if user is None:
        return Client()
    _, raw = token_create(user=user, name="matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_every_object_route_has_a_row():
    assert _api_routes() == set(MATRIX)
    assert _page_routes() == set(PAGES) | PUBLIC_PAGES


def _page_path(route: str, kind: str, ids: dict[str, int]) -> str:
    path = route.replace("<int:pk>", str(ids[kind])).replace("<int:photo_id>", str(ids["photo"]))
    path = path.replace("<int:message_id>", str(ids["chat_photo"]))
    for name in ("offer", "consultation", "mechanic"):
        path = path.replace(f"<int:{name}_id>", str(ids[name]))
    return "/" + path


@pytest.mark.parametrize("route", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_status_from_each_page(world, outsider, route, role):
    users = {**world["users"], "other_customer": outsider}
    method, kind, statuses = PAGES[route]
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    response = getattr(client, method)(_page_path(route, kind, world["ids"]))
    assert response.status_code == statuses[ROLES.index(role)]


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_status_from_each_api_route(world, outsider, route, role):
    users = {**world["users"], "other_customer": outsider}
    path, statuses = MATRIX[route]
    client = _api_client(users[role])
    if route in MULTIPART:
        response = getattr(client, route[0])(path.format(**world["ids"]), MULTIPART[route]())
    else:
        response = getattr(client, route[0])(
            path.format(**world["ids"]), BODIES.get(route, {}), content_type="application/json"
        )
    assert response.status_code == statuses[ROLES.index(role)], response.content
