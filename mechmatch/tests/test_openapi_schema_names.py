"""Every schema the API documents has a name of its own. ninja keys the OpenAPI components by
class name, so two schemas called the same collapse into one: the preview's optional vehicle
was documented as the session request's required one, and a generated client sent one
endpoint's fields to the other."""

from __future__ import annotations

from collections import Counter

from ninja import Schema

from mechmatch.api import api


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_of_the_apis_schemas_share_a_name():
    api.get_openapi_schema()  # every router imported
    ours = [cls for cls in _subclasses(Schema) if cls.__module__.startswith("mechmatch.")]
    shared = {name: n for name, n in Counter(cls.__name__ for cls in ours).items() if n > 1}
    assert shared == {}


def test_the_preview_and_the_session_request_document_their_own_vehicle():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["PreviewVehicleIn"].get("required", []) == []
    assert schemas["VehicleIn"]["required"] == ["make", "model", "year"]
