"""The OpenAPI document is a contract a generated client can trust: schemathesis sends every
operation generated requests (valid and invalid) and runs every check it has on each answer.

Three callers: anonymous, a customer and a mechanic, each with a fresh bearer token per call
(an operation that revokes the caller's token must not sign out the cases after it). The
customer has a session the mechanic accepted, a paid checkout, a vehicle, an intake and a
token, so path ids are sometimes real objects of theirs and operations get past their 404s."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.config import SchemathesisConfig

from mechmatch.accounts.models import User
from mechmatch.accounts.services import token_create
from mechmatch.api import api
from mechmatch.customers.services import vehicle_add
from mechmatch.dispatch.models import Offer
from mechmatch.dispatch.services import offer_accept
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.journey.services import intake_current
from mechmatch.testing import make_entitlement

pytestmark = pytest.mark.django_db

# Enough to reach each operation's documented statuses; the whole test stays within a few
# minutes on a busy 2-core machine.
EXAMPLES_PER_OPERATION = 3
# What schemathesis expects a valid request to get by default (its positive_data_acceptance).
VALID_REQUEST_STATUSES = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")
# Cases that passed, by caller and by the status answered: printed at the end (pytest -s).
SENT: Counter[tuple[str, int]] = Counter()


@dataclass
class Caller:
    role: str
    user: User | None = None
    # Path parameter name -> an id of an object this caller can reach.
    own: dict[str, int] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        if self.user is None:
            return {}
        _, raw = token_create(user=self.user, name="contract")
        return {"Authorization": f"Bearer {raw}"}

    def reachable(self, path_parameters: dict[str, Any]) -> dict[str, Any]:
        """Every other generated id becomes one of the caller's objects (the rest stay random)."""
        return {
            name: self.own[name] if name in self.own and isinstance(value, int) and value % 2 == 0 else value
            for name, value in path_parameters.items()
        }


def _document() -> dict[str, Any]:
    """/api/openapi.json as a client reads it."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


# Operations whose services refuse, with a 400 naming the field, requests their schema
# allows, and why no schema can say so. A valid request to any other operation that answers
# 400 or 422 fails the test, and so does one of these answering 422.
DOMAIN_RULES = {
    ("PATCH", "/api/mechanic/profile"): "the location must geocode (a real city or postal code)",
    ("POST", "/api/mechanic/profile/photo"): "the file must decode as a JPEG, PNG or WebP image",
    ("GET", "/api/mechanics"): "the customer's location must geocode",
    ("POST", "/api/matching/preview"): "the location must geocode; the brand must be known",
    ("POST", "/api/session-requests"): "the waiver, a paid payment of this plan, a known make, a real place",
    ("POST", "/api/session-requests/{request_id}/choice"): "pick_another needs mechanicId",
    ("POST", "/api/checkouts"): "the provider may refuse the plan for the country",
    ("POST", "/api/favourites"): "the mechanic must be approved and active",
    ("POST", "/api/vehicles"): "the make must be known and a VIN's check digit right",
    ("PATCH", "/api/vehicles/{vehicle_id}"): "the make must be known and a VIN's check digit right",
    ("POST", "/api/intakes/{intake_id}/photos"): "each file must decode as a JPEG, PNG or WebP image",
    ("POST", "/api/consultations/{consultation_id}/rating"): "the session must have ended",
    ("POST", "/api/consultations/{consultation_id}/signals"): "an offer or an answer needs its sdp",
    ("GET", "/api/mechanics/{mechanic_id}/slots"): "the mechanic must take bookings; the plan must be known",
    ("POST", "/api/bookings"): "a free slot of that mechanic, the waiver, a paid payment, a real place",
}


def _config(document: dict[str, Any], *, coverage: bool) -> SchemathesisConfig:
    """Every check, as configured by default, with two readings of the document: no string
    has a NUL character (every operation refuses one with a 400), and the operations listed
    in DOMAIN_RULES may answer 400 to a valid request. `coverage`: also send the coverage
    phase's systematic boundary and invalid values (not only generated examples)."""
    accepted = ", ".join(f'"{status}"' for status in (*VALID_REQUEST_STATUSES, "400"))
    ids = {
        (method.upper(), path): operation["operationId"]
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    sections = [f"[generation]\nallow-x00 = false\n\n[phases.coverage]\nenabled = {str(coverage).lower()}\n"] + [
        f'[[operations]]\ninclude-operation-id = "{ids[route]}"\n'
        f"checks.positive_data_acceptance.expected-statuses = [{accepted}]\n"
        for route in DOMAIN_RULES
    ]
    return SchemathesisConfig.from_str("\n".join(sections))


DOCUMENT = _document()
DOCUMENT_OPERATIONS = [(method, path) for path, methods in DOCUMENT["paths"].items() for method in methods]
schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config(DOCUMENT, coverage=True))
# Anonymous callers mostly meet 401 and 403: generated examples only, to keep the test short.
anonymous_schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config(DOCUMENT, coverage=False))
# The whole Django stack: every middleware, the real CSRF rules.
schema.app = anonymous_schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def _connection_kept_between_requests() -> Iterator[None]:
    """Requests run inside the test's transaction: like Django's test client, a finished
    request must not close the connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def caller(request: pytest.FixtureRequest, customer: Any, mechanic: Any) -> Caller:
    session_request = request_for(customer.user)
    offer = Offer.objects.get(request=session_request, mechanic=mechanic)
    consultation = offer_accept(mechanic=mechanic, offer_id=offer.pk)
    payment = make_entitlement(customer.user)
    if request.param == "customer":
        token, _ = token_create(user=customer.user, name="listed")
        own = {
            "request_id": session_request.pk,
            "consultation_id": consultation.pk,
            "payment_id": payment.pk,
            "token_id": token.pk,
            "mechanic_id": mechanic.pk,
            "vehicle_id": vehicle_add(customer=customer, year=2018, make="Honda", model="Civic").pk,
            "intake_id": intake_current(user=customer.user).pk,
        }
        return Caller("customer", customer.user, own)
    if request.param == "mechanic":
        own = {"offer_id": offer.pk, "request_id": session_request.pk, "consultation_id": consultation.pk}
        return Caller("mechanic", mechanic.user, own)
    return Caller("anonymous", None, {"mechanic_id": mechanic.pk})


BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _sent(case: Any, caller: Caller) -> None:
    if case.path_parameters:
        case.path_parameters = caller.reachable(case.path_parameters)
    response = case.call_and_validate(headers=caller.headers())
    SENT[caller.role, response.status_code] += 1


@schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("caller", ["customer", "mechanic"], indirect=True)
def test_every_operation_answers_a_signed_in_user_as_its_schema_says(case: Any, caller: Caller) -> None:
    _sent(case, caller)


@anonymous_schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("caller", ["anonymous"], indirect=True)
def test_every_operation_answers_anonymous_callers_as_its_schema_says(case: Any, caller: Caller) -> None:
    _sent(case, caller)


@pytest.fixture(autouse=True, scope="module")
def _requests_counted() -> Iterator[None]:
    yield
    if SENT:
        print(f"\nOpenAPI contract: {len(DOCUMENT_OPERATIONS)} operations, {sum(SENT.values())} cases passed")
        for (role, status), count in sorted(SENT.items()):
            print(f"  {role:<10} {status}: {count}")
