"""A client generated from the served OpenAPI document, as a mobile app's would be, walks the
whole journey against a live server: sign-in, intake photo, preview, checkout, test settle,
waiver, request, the mechanic's accept, chat both ways, end, rating, favourite, history and
rebook. The client is generated during the run (openapi-python-client, `--fail-on-warning`,
so a part of the schema it cannot read fails the test), never committed.

Operations are looked up by method and path, not by the generated module names, so renaming
an operation id or a tag does not break the walk; changing a path or a schema does."""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
import typing
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

from mechmatch.dispatch.models import Consultation
from mechmatch.mechanics.models import Review
from mechmatch.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "mechmatch_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
_OPERATION = re.compile(r'"method": "(\w+)",\s*"url": "([^"]+)"')


@pytest.fixture
def generated(live_server, tmp_path) -> Iterator[dict[str, Any]]:
    """The generated package and its operations by (method, path)."""
    with urllib.request.urlopen(f"{live_server.url}/api/openapi.json", timeout=60) as response:  # noqa: S310
        (tmp_path / "openapi.json").write_bytes(response.read())
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter on PATH needed
    result = subprocess.run(  # noqa: S603
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "openapi.json"),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
            "--output-path",
            str(tmp_path / "out" / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        package = importlib.import_module(PACKAGE)
        operations: dict[tuple[str, str], ModuleType] = {}
        for source in sorted((tmp_path / "out" / PACKAGE / "api").glob("*/*.py")):
            found = _OPERATION.search(source.read_text())
            if found:
                module = f"{PACKAGE}.api.{source.parent.name}.{source.stem}"
                operations[(found.group(1), found.group(2))] = importlib.import_module(module)
        yield {"package": package, "models": importlib.import_module(f"{PACKAGE}.models"), "ops": operations}
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


class Api:
    """Calls one generated operation and checks the status it answered."""

    def __init__(self, generated: dict[str, Any], client: Any) -> None:
        self.ops, self.client = generated["ops"], client

    def __call__(self, method: str, path: str, status: int, *args: Any, **kwargs: Any) -> Any:
        response = self.ops[(method, path)].sync_detailed(*args, client=self.client, **kwargs)
        assert response.status_code == status, (method, path, response.content)
        return response.parsed


def _signed_in(generated: dict[str, Any], base_url: str, email: str) -> Api:
    models, package = generated["models"], generated["package"]
    anonymous = package.Client(base_url=base_url, raise_on_unexpected_status=True, timeout=60)
    token = Api(generated, anonymous)(
        "post", "/api/auth/token", 200, body=models.TokenIn(email=email, password=PASSWORD)
    )
    return Api(generated, package.AuthenticatedClient(base_url=base_url, token=token.token, timeout=60))


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_a_generated_client_walks_the_journey_from_intake_to_rebook(generated, live_server, customer, mechanic):
    models, types = generated["models"], importlib.import_module(f"{PACKAGE}.types")
    casey = _signed_in(generated, live_server.url, customer.user.email)
    morgan = _signed_in(generated, live_server.url, mechanic.user.email)

    # Intake: a photo on the draft (multipart), and the preview that finds Morgan.
    intake = casey("post", "/api/intakes", 200)
    form = typing.get_type_hints(generated["ops"][("post", "/api/intakes/{intake_id}/photos")].sync_detailed)["body"]
    upload = form(photo=types.File(payload=io.BytesIO(_jpeg()), file_name="dash.jpg", mime_type="image/jpeg"))
    photo = casey("post", "/api/intakes/{intake_id}/photos", 201, intake.intake_id, body=upload)
    assert photo.content_type == "image/jpeg"
    vehicle = {"year": 2018, "make": "Honda", "model": "Civic"}
    preview = casey(
        "post",
        "/api/matching/preview",
        200,
        body=models.PreviewIn.from_dict(
            {
                "concern": "Check engine light after rain",
                "vehicle": vehicle,
                "customerCountry": "CA",
                "customerPostalCode": "M5V 2T6",
            }  # fmt: skip
        ),
    )
    assert mechanic.pk in [m.mechanic_id for m in preview.matches]

    # Pay (the test provider's settle), accept the terms, send the request to Morgan.
    checkout = casey("post", "/api/checkouts", 201, body=models.CheckoutIn.from_dict({"planCode": "standard"}))
    assert checkout.status == "pending"
    casey("post", "/api/checkouts/{payment_id}/settle", 200, checkout.payment_id,
          body=models.SettleIn.from_dict({"outcome": "pay"}))  # fmt: skip
    assert casey("get", "/api/checkouts/{payment_id}", 200, checkout.payment_id).status == "paid"
    terms = casey("get", "/api/waiver", 200)
    casey("post", "/api/waiver", 201, body=models.WaiverIn(version=terms.version))
    request = casey(
        "post",
        "/api/session-requests",
        201,
        body=models.SessionRequestIn.from_dict(
            {
                "concern": "Check engine light after rain",
                "vehicle": vehicle,
                "customerPostalCode": "M5V 2T6",
                "routingType": "selected",
                "selectedMechanicId": mechanic.pk,
                "planCode": "standard",
                "paymentId": checkout.payment_id,
            }  # fmt: skip
        ),
    )

    # Morgan sees the offer and accepts; the profile the waiting room reads names Morgan.
    profile = casey("get", "/api/mechanics/{mechanic_id}/profile", 200, mechanic.pk)
    assert (profile.mechanic.name, profile.mechanic.is_brand_specialist) == ("Morgan Lee", True)
    offer = next(o for o in morgan("get", "/api/mechanic/offers", 200) if o.request_id == request.id)
    consultation_id = morgan("post", "/api/mechanic/offers/{offer_id}/accept", 200, offer.id).consultation.id

    # Chat both ways, then Casey ends the session.
    path = "/api/consultations/{consultation_id}/messages"
    casey("post", path, 201, consultation_id, body=models.ChatMessageIn(body="Light came on after the car wash"))
    morgan("post", path, 201, consultation_id, body=models.ChatMessageIn(body="Check the gas cap first"))
    lines = [(m.from_mechanic, m.body) for m in casey("get", path, 200, consultation_id)]
    assert lines == [(False, "Light came on after the car wash"), (True, "Check the gas cap first")]
    assert casey("post", "/api/consultations/{consultation_id}/end", 200, consultation_id).status == "ended"

    # Rate it (once), keep Morgan as a favourite, and rebook from the history.
    rating = models.RatingIn.from_dict({"rating": 5, "comment": "Clear and quick"})
    casey("post", "/api/consultations/{consultation_id}/rating", 201, consultation_id, body=rating)
    again = casey("post", "/api/consultations/{consultation_id}/rating", 409, consultation_id, body=rating)
    assert again.error
    casey("post", "/api/favourites", 201, body=models.FavouriteIn(mechanic_id=mechanic.pk))
    assert [f.mechanic_id for f in casey("get", "/api/favourites", 200)] == [mechanic.pk]
    history = casey("get", "/api/history", 200)
    assert [s.consultation_id for s in history] == [consultation_id]
    rebooked = casey("post", "/api/history/{consultation_id}/rebook", 201, consultation_id)
    assert (rebooked.selected_mechanic_id, rebooked.routing_type, rebooked.concern) == (
        mechanic.pk,
        "priority_broadcast",
        "Check engine light after rain",
    )

    assert Consultation.objects.get(pk=consultation_id).status == Consultation.Status.ENDED
    assert Review.objects.get(mechanic=mechanic).rating == 5
