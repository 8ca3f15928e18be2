from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from mechmatch.dispatch.models import Consultation
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(mechanic) -> Client:
    client = Client()
    assert client.login(request=HttpRequest(), email=mechanic.user.email, password=PASSWORD)
    return client


def test_the_offers_page_lists_offers_with_accept_and_decline_forms(browser, customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer = request.offers.get()
    page = browser.get("/mechanic/offers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2018 Honda Civic" in html
    assert f"/mechanic/offers/{offer.pk}/accept/" in html
    assert f"/mechanic/offers/{offer.pk}/decline/" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "dispatch/alerts.js" in html
    assert customer.user.email not in html


def test_accepting_by_form_leads_to_the_session_page_with_the_contact(browser, customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = browser.post(f"/mechanic/offers/{request.offers.get().pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/mechanic/session/"
    page = browser.get("/mechanic/session/").content.decode()
    assert customer.user.email in page
    assert "End session" in page
    consultation = request.consultation
    assert f'href="/app/sessions/{consultation.pk}/"' in page


def test_ending_the_session_by_form_completes_the_request(browser, customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    browser.post(f"/mechanic/offers/{request.offers.get().pk}/accept/")
    consultation = Consultation.objects.get(request=request)
    response = browser.post(f"/mechanic/session/{consultation.pk}/end/", {"notes": "Loose gas cap"})
    assert response.status_code == 302
    request.refresh_from_db()
    consultation.refresh_from_db()
    assert (request.status, consultation.status, consultation.notes) == ("completed", "ended", "Loose gas cap")
    history = browser.get("/mechanic/history/").content.decode()
    assert "Acceptance rate" in history and "100%" in history


def test_declining_by_form_with_a_reason(browser, customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    browser.post(f"/mechanic/offers/{request.offers.get().pk}/decline/", {"reason": "too_far"})
    offer = request.offers.get()
    assert (offer.status, offer.decline_reason) == ("declined", "too_far")


def test_the_shift_toggle_works_without_javascript(browser, mechanic, windows):
    browser.post("/mechanic/shift/", {"online": "0"})
    mechanic.refresh_from_db()
    assert mechanic.is_on_shift is False
    assert "Go on shift" in browser.get("/mechanic/offers/").content.decode()


def test_the_live_list_fragment_renders_alone(browser, customer, mechanic, windows):
    request_for(customer.user, routing="selected", selected=mechanic)
    fragment = browser.get("/mechanic/offers/list/").content.decode()
    assert "2018 Honda Civic" in fragment and "<html" not in fragment


def test_customers_get_404_on_mechanic_pages(customer):
    client = Client()
    client.login(request=HttpRequest(), email=customer.user.email, password=PASSWORD)
    assert client.get("/mechanic/offers/").status_code == 404
    assert Client().get("/mechanic/offers/").status_code == 302


def test_the_offers_page_gives_the_reasons_in_the_mechanics_language(browser, customer, mechanic, windows):
    request_for(customer.user, routing="selected", selected=mechanic)
    english = browser.get("/mechanic/offers/").content.decode()
    french = browser.get("/mechanic/offers/", HTTP_ACCEPT_LANGUAGE="fr-ca").content.decode()
    assert "<li>The customer chose you</li>" in english
    assert "<li>Choisi par le client</li>" in french and "<li>Spécialiste Honda</li>" in french
    assert "The customer chose you" not in french
