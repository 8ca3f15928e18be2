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


def test_the_home_page_lists_every_plan_with_its_price():
    from mechmatch.payments.money import amount_display
    from mechmatch.payments.plans import PLANS

    body = Client().get("/").content.decode()
    assert "How it works" in body
    for plan in PLANS:
        assert f'data-plan="{plan.code}"' in body
        if not plan.is_free:
            assert amount_display(plan.amount_cents, "CAD", "en") in body


def test_a_visitor_sees_mechanics_near_the_city_they_pick_without_private_fields():
    from mechmatch.testing import make_mechanic

    near = make_mechanic(display_name="Camille Roy", postal_code="H2X 1Y4", email="camille@example.test")
    make_mechanic(display_name="Toronto Tom", postal_code="M5V 2T6")
    body = Client().get("/?city=montreal").content.decode()
    assert "Mechanics near Montréal, QC" in body
    assert "Camille Roy" in body
    assert f"/app/mechanics/{near.pk}/" in body
    assert "camille@example.test" not in body
    assert "H2X" not in body


def test_an_unknown_city_shows_the_default_city_rather_than_an_error():
    response = Client().get("/?city=<script>")
    assert response.status_code == 200
    assert "Mechanics near Toronto, ON" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_visitor_can_read_a_mechanics_public_profile_and_is_asked_to_sign_up_to_book(mechanic):
    response = Client().get(f"/app/mechanics/{mechanic.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mechanic.display_name in body
    assert "Sign up to book this mechanic" in body
    assert mechanic.user.email not in body


def test_a_mechanic_with_no_reviews_is_shown_as_new_not_as_zero_stars():
    from mechmatch.testing import make_mechanic

    newcomer = make_mechanic(display_name="Nova Chen", rating=0.0, reviews=0)
    body = Client().get(f"/app/mechanics/{newcomer.pk}/").content.decode()
    assert 'data-testid="rating-new"' in body
    assert "0.0" not in body


def test_the_language_switcher_names_each_language_in_its_own_tongue():
    body = Client().get("/").content.decode()
    assert ">English</option>" in body
    assert ">Français</option>" in body


def test_a_missing_page_is_a_styled_404_with_the_site_around_it(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'class="site-header"' in body


def test_the_500_page_needs_nothing_from_the_database():
    from django.template import loader

    body = loader.render_to_string("500.html")
    assert "Something went wrong" in body
    assert "favicon.svg" in body


def test_the_favicon_is_served_from_our_static_files():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("favicon.svg")


def test_the_home_page_reads_in_french():
    client = Client()
    client.post("/i18n/setlang/", {"language": "fr-ca", "next": "/"})
    body = client.get("/?city=montreal").content.decode()
    assert "Comment ça marche" in body
    assert "Forfaits et prix" in body
    assert "Mécaniciens près de Montréal (Québec)" in body
    assert "29,99\u00a0$" in body


def test_the_sample_of_mechanics_is_kept_for_a_few_seconds_per_city_and_language(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mechmatch.testing import make_mechanic

    settings.SHOWCASE_CACHE_SECONDS = 60
    make_mechanic(display_name="Tori Downtown", postal_code="M5V 3L9")
    with CaptureQueriesContext(connection) as first:
        assert "Tori Downtown" in Client().get("/?city=toronto").content.decode()
    make_mechanic(display_name="Late Arrival", postal_code="M5V 3L9")
    with CaptureQueriesContext(connection) as second:
        page = Client().get("/?city=toronto").content.decode()
    assert "Tori Downtown" in page and "Late Arrival" not in page  # the kept sample
    assert len(second.captured_queries) < len(first.captured_queries)
    french = Client(HTTP_ACCEPT_LANGUAGE="fr-ca").get("/?city=toronto").content.decode()
    assert "Late Arrival" in french  # another language is another sample


def test_without_the_showcase_cache_every_visit_ranks_afresh(settings):
    from mechmatch.testing import make_mechanic

    settings.SHOWCASE_CACHE_SECONDS = 0
    Client().get("/?city=toronto")
    make_mechanic(display_name="Late Arrival", postal_code="M5V 3L9")
    assert "Late Arrival" in Client().get("/?city=toronto").content.decode()
