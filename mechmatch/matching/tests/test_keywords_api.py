from __future__ import annotations

import json

import pytest
from django.test import Client

URL = "/api/keywords/extract"


def extract(description):
    body = {} if description is None else {"description": description}
    return Client().post(URL, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_a_concern_becomes_taxonomy_slugs_with_labels_codes_and_brands():
    response = extract("My Honda's check engine light is on, code P0420, and the brakes squeal")
    assert response.status_code == 200
    data = response.json()
    assert "check_engine_light" in data["keywords"] and "brakes" in data["keywords"]
    assert data["labels"]["brakes"] == "Brakes"
    assert data["dtcCodes"] == ["P0420"]
    assert data["brands"] == ["Honda"]


@pytest.mark.django_db
def test_a_greeting_maps_to_nothing():
    data = extract("Hello, thanks!").json()
    assert data["keywords"] == [] and data["labels"] == {}


@pytest.mark.django_db
def test_french_concerns_get_french_labels():
    data = extract("Le voyant moteur est allumé et les freins grincent").json()
    assert data["language"] == "fr"
    assert data["labels"].get("brakes") == "Freins"


@pytest.mark.django_db
@pytest.mark.parametrize("description", [None, "", "   ", "x" * 5001])
def test_empty_blank_or_too_long_descriptions_get_a_422_naming_description(description):
    response = extract(description)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "description"


@pytest.mark.django_db
def test_keyword_extraction_needs_no_sign_in_and_answers_json():
    response = extract("<b>brakes</b> grinding")
    assert response["Content-Type"].startswith("application/json")
