from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_is_served():
    response = Client().get("/")
    assert response.status_code == 200
    assert b"mechmatch" in response.content


def test_the_openapi_document_is_served():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/auth/token" in response.json()["paths"]


def test_the_api_docs_use_our_own_static_files_not_a_cdn():
    body = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()


def test_the_interface_switches_to_french():
    client = Client()
    client.post("/i18n/setlang/", {"language": "fr-ca", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "fr-ca"
